// The pprof codec: what we write decodes to the same profile, and gzip framing
// and the decompression cap behave as documented.
#include <gtest/gtest.h>

#include <filesystem>

#include "autoprof/pprof.h"
#include "go_pprof.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

void ExpectSameProfile(const Profile& a, const Profile& b) {
  EXPECT_EQ(a.sample_types, b.sample_types);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  for (size_t i = 0; i < a.samples.size(); ++i) {
    EXPECT_EQ(a.samples[i].location_ids, b.samples[i].location_ids) << "sample " << i;
    EXPECT_EQ(a.samples[i].values, b.samples[i].values) << "sample " << i;
    EXPECT_EQ(a.samples[i].labels, b.samples[i].labels) << "sample " << i;
  }
  ASSERT_EQ(a.mappings.size(), b.mappings.size());
  for (size_t i = 0; i < a.mappings.size(); ++i) {
    const Mapping &x = a.mappings[i], &y = b.mappings[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.memory_start, y.memory_start);
    EXPECT_EQ(x.memory_limit, y.memory_limit);
    EXPECT_EQ(x.file_offset, y.file_offset);
    EXPECT_EQ(x.filename, y.filename);
    EXPECT_EQ(x.build_id, y.build_id);
    EXPECT_EQ(x.has_functions, y.has_functions);
    EXPECT_EQ(x.has_filenames, y.has_filenames);
    EXPECT_EQ(x.has_line_numbers, y.has_line_numbers);
    EXPECT_EQ(x.has_inline_frames, y.has_inline_frames);
  }
  ASSERT_EQ(a.locations.size(), b.locations.size());
  for (size_t i = 0; i < a.locations.size(); ++i) {
    const Location &x = a.locations[i], &y = b.locations[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.mapping_id, y.mapping_id);
    EXPECT_EQ(x.address, y.address);
    EXPECT_EQ(x.is_folded, y.is_folded);
    ASSERT_EQ(x.lines.size(), y.lines.size());
    for (size_t j = 0; j < x.lines.size(); ++j) {
      EXPECT_EQ(x.lines[j].function_id, y.lines[j].function_id);
      EXPECT_EQ(x.lines[j].line, y.lines[j].line);
    }
  }
  ASSERT_EQ(a.functions.size(), b.functions.size());
  for (size_t i = 0; i < a.functions.size(); ++i) {
    EXPECT_EQ(a.functions[i].id, b.functions[i].id);
    EXPECT_EQ(a.functions[i].name, b.functions[i].name);
    EXPECT_EQ(a.functions[i].system_name, b.functions[i].system_name);
    EXPECT_EQ(a.functions[i].filename, b.functions[i].filename);
    EXPECT_EQ(a.functions[i].start_line, b.functions[i].start_line);
  }
  EXPECT_EQ(a.time_nanos, b.time_nanos);
  EXPECT_EQ(a.duration_nanos, b.duration_nanos);
  EXPECT_EQ(a.period_type, b.period_type);
  EXPECT_EQ(a.period, b.period);
  EXPECT_EQ(a.comments, b.comments);
  EXPECT_EQ(a.default_sample_type, b.default_sample_type);
  EXPECT_EQ(a.drop_frames, b.drop_frames);
  EXPECT_EQ(a.keep_frames, b.keep_frames);
}

TEST(PprofCodec, EncodedProfileDecodesToTheSameProfile) {
  Profile p = testing::SmallCpuProfile();
  p.default_sample_type = "cpu";
  p.drop_frames = "operator new.*";
  p.samples[1].values[1] = -7;  // negative values (diff profiles) survive
  Result<Profile> back = DecodeProfile(EncodeProfile(p));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ExpectSameProfile(p, *back);
}

TEST(PprofCodec, GzippedAndPlainBytesDecodeAlike) {
  Profile p = testing::SmallCpuProfile();
  std::string plain = EncodeProfile(p);
  Result<std::string> gz = Gzip(plain);
  ASSERT_TRUE(gz.ok());
  EXPECT_NE(*gz, plain);
  Result<Profile> a = DecodeProfile(plain);
  Result<Profile> b = DecodeProfile(*gz);
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSameProfile(*a, *b);
}

TEST(PprofCodec, StringTableStartsWithTheEmptyString) {
  std::string bytes = EncodeProfile(testing::SmallCpuProfile());
  // The first string_table entry on the wire is field 6, length 0: bytes 0x32 0x00.
  EXPECT_NE(bytes.find(std::string("\x32\x00", 2)), std::string::npos);
  Profile empty;
  Result<Profile> back = DecodeProfile(EncodeProfile(empty));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->samples.empty());
}

TEST(PprofCodec, GunzipRefusesOutputAboveTheCap) {
  Result<std::string> gz = Gzip(std::string(1 << 20, 'x'));
  ASSERT_TRUE(gz.ok());
  Result<std::string> capped = Gunzip(*gz, 1000);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(capped.status().message().find("1000"), std::string::npos);
  Result<std::string> full = Gunzip(*gz, 1 << 20);
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->size(), size_t{1} << 20);
}

TEST(PprofCodec, GunzipReadsConcatenatedMembers) {
  std::string a = *Gzip("hello ");
  std::string b = *Gzip("world");
  Result<std::string> both = Gunzip(a + b, 100);
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(*both, "hello world");
}

TEST(PprofCodec, WriteThenReadFileRoundTrips) {
  testing::ScratchDir dir;
  Profile p = testing::SmallCpuProfile();
  std::string path = dir.File("cpu.pb.gz");
  ASSERT_TRUE(WriteProfileFile(path, p).ok());
  Result<Profile> back = ReadProfileFile(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ExpectSameProfile(p, *back);
}

TEST(PprofCodec, WriteLeavesNoTemporaryFileBehind) {
  testing::ScratchDir dir;
  ASSERT_TRUE(WriteProfileFile(dir.File("a.pb.gz"), testing::SmallCpuProfile()).ok());
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename(), "a.pb.gz");
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(PprofCodec, WriteIntoMissingFolderFailsNamingThePath) {
  testing::ScratchDir dir;
  std::string path = dir.File("no/such/dir/a.pb.gz");
  Status s = WriteProfileFile(path, testing::SmallCpuProfile());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir"), std::string::npos) << s.message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(PprofCodec, ReadMissingFileNamesThePath) {
  Result<Profile> r = ReadProfileFile("/nonexistent/x.pb.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message().rfind("/nonexistent/x.pb.gz: ", 0), 0u) << r.status().message();
}

}  // namespace
}  // namespace autoprof
