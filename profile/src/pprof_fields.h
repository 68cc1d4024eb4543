// Field numbers of profile.proto (github.com/google/pprof/proto/profile.proto),
// written down from the public schema. Private to the profile module; shared by
// the encoder and the decoder so the two cannot disagree.
#ifndef AUTOPROF_PROFILE_PPROF_FIELDS_H_
#define AUTOPROF_PROFILE_PPROF_FIELDS_H_

#include <cstdint>

namespace autoprof::fields {

namespace profile {
constexpr uint32_t kSampleType = 1;          // repeated ValueType
constexpr uint32_t kSample = 2;              // repeated Sample
constexpr uint32_t kMapping = 3;             // repeated Mapping
constexpr uint32_t kLocation = 4;            // repeated Location
constexpr uint32_t kFunction = 5;            // repeated Function
constexpr uint32_t kStringTable = 6;         // repeated string
constexpr uint32_t kDropFrames = 7;          // int64 string index
constexpr uint32_t kKeepFrames = 8;          // int64 string index
constexpr uint32_t kTimeNanos = 9;           // int64
constexpr uint32_t kDurationNanos = 10;      // int64
constexpr uint32_t kPeriodType = 11;         // ValueType
constexpr uint32_t kPeriod = 12;             // int64
constexpr uint32_t kComment = 13;            // repeated int64 string index
constexpr uint32_t kDefaultSampleType = 14;  // int64 string index
}  // namespace profile

namespace value_type {
constexpr uint32_t kType = 1;  // int64 string index
constexpr uint32_t kUnit = 2;  // int64 string index
}  // namespace value_type

namespace sample {
constexpr uint32_t kLocationId = 1;  // repeated uint64
constexpr uint32_t kValue = 2;       // repeated int64
constexpr uint32_t kLabel = 3;       // repeated Label
}  // namespace sample

namespace label {
constexpr uint32_t kKey = 1;      // int64 string index
constexpr uint32_t kStr = 2;      // int64 string index
constexpr uint32_t kNum = 3;      // int64
constexpr uint32_t kNumUnit = 4;  // int64 string index
}  // namespace label

namespace mapping {
constexpr uint32_t kId = 1;
constexpr uint32_t kMemoryStart = 2;
constexpr uint32_t kMemoryLimit = 3;
constexpr uint32_t kFileOffset = 4;
constexpr uint32_t kFilename = 5;  // string index
constexpr uint32_t kBuildId = 6;   // string index
constexpr uint32_t kHasFunctions = 7;
constexpr uint32_t kHasFilenames = 8;
constexpr uint32_t kHasLineNumbers = 9;
constexpr uint32_t kHasInlineFrames = 10;
}  // namespace mapping

namespace location {
constexpr uint32_t kId = 1;
constexpr uint32_t kMappingId = 2;
constexpr uint32_t kAddress = 3;
constexpr uint32_t kLine = 4;  // repeated Line
constexpr uint32_t kIsFolded = 5;
}  // namespace location

namespace line {
constexpr uint32_t kFunctionId = 1;
constexpr uint32_t kLine = 2;
constexpr uint32_t kColumn = 3;
}  // namespace line

namespace function {
constexpr uint32_t kId = 1;
constexpr uint32_t kName = 2;        // string index
constexpr uint32_t kSystemName = 3;  // string index
constexpr uint32_t kFilename = 4;    // string index
constexpr uint32_t kStartLine = 5;
}  // namespace function

}  // namespace autoprof::fields

#endif  // AUTOPROF_PROFILE_PPROF_FIELDS_H_
