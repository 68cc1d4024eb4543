// Invalid pprof input is rejected with one line naming what is wrong, never a
// crash or a half-read profile.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "autoprof/pprof.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

// Decodes `bytes` and expects an error of one line containing `expected`.
void ExpectRejected(std::string_view bytes, const std::string& expected) {
  Result<Profile> r = DecodeProfile(bytes);
  ASSERT_FALSE(r.ok()) << "accepted input that should fail with: " << expected;
  const std::string m = r.status().message();
  EXPECT_NE(m.find(expected), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << "not one line: " << m;
}

// Encodes the small profile after `mutate` changed it; the encoder writes what it
// is given, so the decoder sees exactly the broken invariant.
std::string Broken(const std::function<void(Profile&)>& mutate) {
  Profile p = testing::SmallCpuProfile();
  mutate(p);
  return EncodeProfile(p);
}

TEST(PprofInvalidInput, MappingWithIdZero) {
  ExpectRejected(Broken([](Profile& p) { p.mappings[1].id = 0; }), "mapping 1 has id 0");
}

TEST(PprofInvalidInput, DuplicateLocationId) {
  ExpectRejected(Broken([](Profile& p) { p.locations[3].id = 2; }), "location 3 repeats id 2");
}

TEST(PprofInvalidInput, FunctionWithIdZero) {
  ExpectRejected(Broken([](Profile& p) { p.functions[0].id = 0; }), "function 0 has id 0");
}

TEST(PprofInvalidInput, LocationReferringToMissingMapping) {
  ExpectRejected(Broken([](Profile& p) { p.locations[0].mapping_id = 9; }),
                 "location id 1 refers to mapping id 9, which does not exist");
}

TEST(PprofInvalidInput, LineReferringToMissingFunction) {
  ExpectRejected(Broken([](Profile& p) { p.locations[2].lines[1].function_id = 42; }),
                 "location id 3 refers to function id 42, which does not exist");
}

TEST(PprofInvalidInput, SampleReferringToMissingLocation) {
  ExpectRejected(Broken([](Profile& p) { p.samples[2].location_ids[1] = 77; }),
                 "sample 2 refers to location id 77, which does not exist");
}

TEST(PprofInvalidInput, SampleWithLocationIdZero) {
  ExpectRejected(Broken([](Profile& p) { p.samples[0].location_ids[0] = 0; }),
                 "sample 0 refers to location id 0");
}

TEST(PprofInvalidInput, SampleValueCountDiffersFromSampleTypes) {
  ExpectRejected(Broken([](Profile& p) { p.samples[1].values.push_back(3); }),
                 "sample 1: 3 values, profile has 2 sample types");
}

// Appends one Function message whose name is string index 999 (the table holds
// far fewer). Fields may come in any order, so appending is valid framing.
TEST(PprofInvalidInput, StringIndexOutOfRange) {
  std::string bytes = EncodeProfile(testing::SmallCpuProfile());
  bytes += std::string("\x2a\x05\x08\x4d\x10\xe7\x07", 7);  // function {id: 77, name: 999}
  ExpectRejected(bytes, "function 5 name: string index 999 out of range");
}

TEST(PprofInvalidInput, FirstStringNotEmpty) {
  ExpectRejected(std::string("\x32\x01x", 3), "string_table[0] is not empty");
}

TEST(PprofInvalidInput, NoStringTable) {
  ExpectRejected(std::string("\x60\x05", 2), "string_table is missing");  // period: 5
}

TEST(PprofInvalidInput, EmptyInput) { ExpectRejected("", "empty input"); }

TEST(PprofInvalidInput, TruncatedInsideASample) {
  std::string bytes = EncodeProfile(testing::SmallCpuProfile());
  // The first field is sample_type 0; cut in the middle of the first sample.
  size_t sample = bytes.find('\x12');
  ASSERT_NE(sample, std::string::npos);
  ExpectRejected(bytes.substr(0, sample + 4), "truncated input");
}

TEST(PprofInvalidInput, EveryTruncationOfAGzippedProfileFails) {
  std::string gz = *Gzip(EncodeProfile(testing::SmallCpuProfile()));
  for (size_t n = 1; n < gz.size(); ++n) {
    Result<Profile> r = DecodeProfile(std::string_view(gz).substr(0, n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes accepted";
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

TEST(PprofInvalidInput, EveryTruncationOfPlainBytesFailsOrDecodesValidly) {
  // A cut on a field boundary can leave a shorter valid profile; anything else
  // must fail. Whatever decodes must pass validation.
  std::string bytes = EncodeProfile(testing::SmallCpuProfile());
  size_t failed = 0;
  for (size_t n = 1; n < bytes.size(); ++n) {
    Result<Profile> r = DecodeProfile(std::string_view(bytes).substr(0, n));
    if (!r.ok()) {
      ++failed;
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
    } else {
      EXPECT_TRUE(ValidateProfile(*r).ok());
    }
  }
  EXPECT_GT(failed, bytes.size() / 2);
}

TEST(PprofInvalidInput, CorruptGzip) {
  std::string gz = *Gzip(EncodeProfile(testing::SmallCpuProfile()));
  gz[gz.size() / 2] ^= 0x55;
  gz[gz.size() / 2 + 1] ^= 0x55;
  ExpectRejected(gz, "gzip: ");
}

TEST(PprofInvalidInput, OversizedPayloadIsRefused) {
  Profile p = testing::SmallCpuProfile();
  p.comments.push_back(std::string(1 << 20, 'c'));
  std::string gz = *Gzip(EncodeProfile(p));
  Result<Profile> r = DecodeProfile(gz, DecodeLimits{.max_decompressed_bytes = 64 << 10});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(PprofInvalidInput, GroupWireTypeIsMalformed) {
  ExpectRejected(std::string("\x32\x00\x0b", 3), "unsupported wire type");
}

TEST(PprofInvalidInput, OverlongVarint) {
  ExpectRejected(std::string("\x32\x00\x48\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 14),
                 "varint");
}

TEST(PprofInvalidInput, NestedMessageWithScalarWireType) {
  ExpectRejected(std::string("\x32\x00\x10\x05", 4), "malformed sample 0: wrong wire type");
}

TEST(PprofValidInput, UnknownFieldsAndUnpackedRepeatedFieldsAreAccepted) {
  // string_table [""], sample_type {type 0}, sample {location_id unpacked: none,
  // value unpacked: 7}, an unknown varint field 99, an unknown fixed64 and fixed32.
  std::string bytes(
      "\x32\x00"                                  // string_table ""
      "\x0a\x00"                                  // sample_type {}
      "\x12\x02\x10\x07"                          // sample {value: 7} (unpacked)
      "\x98\x06\x01"                              // field 99 varint 1
      "\x99\x06\x01\x02\x03\x04\x05\x06\x07\x08"  // field 99 fixed64
      "\x9d\x06\x01\x02\x03\x04",                 // field 99 fixed32
      27);
  Result<Profile> r = DecodeProfile(bytes);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->samples.size(), 1u);
  EXPECT_EQ(r->samples[0].values, std::vector<int64_t>{7});
}

TEST(PprofValidInput, LineWithoutFunctionIsAccepted) {
  // As in Go's reader, function_id 0 on a line means "function not known".
  std::string bytes = Broken([](Profile& p) { p.locations[0].lines[0].function_id = 0; });
  EXPECT_TRUE(DecodeProfile(bytes).ok());
}

}  // namespace
}  // namespace autoprof
