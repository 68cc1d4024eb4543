// The Pyroscope target, checked by a receiver that reads the request the way
// Grafana Pyroscope's /ingest handler does (pkg/ingester/pyroscope/ingest_handler.go).
#include <gtest/gtest.h>

#include "uploader_fixture.h"

namespace autoprof::testing {
namespace {

using Millis = std::chrono::milliseconds;

class PyroscopeTest : public UploaderFixture {
 protected:
  std::string PyroscopeUrl() const {
    return "pyroscope+http://127.0.0.1:" + std::to_string(receiver_.port());
  }
};

TEST_F(PyroscopeTest, IngestRequestIsWhatPyroscopeReadsEvenForRefusedCharacters) {
  auto u = StartUploader(Options(PyroscopeUrl()));
  ASSERT_TRUE(u);
  std::string pprof = GzipPayload(7);
  std::string sidecar = Sidecar("checkout svc{v2},x", "cpu",
                                {{"pod name", "web-1,a}b"}, {"__name__", "evil"},
                                 {"k8s.namespace", " prod "}, {"zone", "eu=west{1}"}},
                                1'795'556'400'250, 10.0);
  ASSERT_TRUE(u->Submit("checkout-cpu-20261124T000000Z-1", pprof, sidecar).ok());
  ASSERT_TRUE(WaitUntil([&] { return receiver_.raw_count() == 1; }, Millis(30'000)))
      << "refused: " << (receiver_.refusals().empty() ? "" : receiver_.refusals()[0]);
  EXPECT_TRUE(receiver_.refusals().empty());

  ReceivedProfile p = receiver_.received()[0];
  EXPECT_EQ(p.path, "/ingest");
  EXPECT_EQ(p.sha256, Sha256Hex(pprof));  // the body is the gzipped pprof, as is
  EXPECT_EQ(p.content_type, "binary/octet-stream");
  EXPECT_EQ(p.query["format"], "pprof");
  EXPECT_EQ(p.query["from"], "1795556400");
  EXPECT_EQ(p.query["until"], "1795556411");
  EXPECT_EQ(p.query["spyName"], "autoprof");
  PyroscopeLabelSet ls = ParsePyroscopeName(p.query["name"]);
  ASSERT_EQ(ls.error, "") << p.query["name"];
  std::map<std::string, std::string> want = {{"__name__", "checkout_svc_v2__x"},
                                             {"pod_name", "web-1_a_b"},
                                             {"_name_", "evil"},
                                             {"k8s.namespace", "prod"},
                                             {"zone", "eu=west{1_"}};
  EXPECT_EQ(ls.labels, want);
  EXPECT_TRUE(WaitUntil([&] { return SpoolPairs() == 0; }, Millis(30'000)));
}

TEST_F(PyroscopeTest, ReceiverRefusesWhatPyroscopeRefuses) {
  // The check the test above relies on can fail: unsanitized names are refused.
  EXPECT_NE(ParsePyroscopeName("checkout svc{}").error, "");
  EXPECT_NE(ParsePyroscopeName("svc{pod name=a}").error, "");
  EXPECT_NE(ParsePyroscopeName("{a=b}").error, "");
  EXPECT_EQ(ParsePyroscopeName("svc{a=b,c=d}").labels.size(), 3u);
}

TEST_F(PyroscopeTest, TooLargeIsQuarantinedNotRetriedForever) {
  receiver_.set_answer_plan([](int) {
    return ScriptedAnswer{413, "request body too large: http: request body too large", ""};
  });
  auto u = StartUploader(Options(PyroscopeUrl()));
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return u->stats().quarantined == 1; }, Millis(30'000)));
  std::this_thread::sleep_for(Millis(200));
  EXPECT_EQ(receiver_.requests(), 1);
  EXPECT_EQ(u->stats().retries, 0);
  EXPECT_EQ(ReadText(spool() + "/quarantine/" + Stem("svc", 1) + ".reason.txt"),
            "HTTP 413: request body too large: http: request body too large\n");
}

}  // namespace
}  // namespace autoprof::testing
