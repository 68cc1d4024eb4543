// TLS: verification is on by default, and AUTOPROF_UPLOAD_CA_BUNDLE (the
// ca_bundle option) makes a private CA trusted. A real HTTPS server on loopback
// with a self-signed certificate made by the openssl command for the test.
#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "uploader_fixture.h"

namespace autoprof::testing {
namespace {

using Millis = std::chrono::milliseconds;

class TlsTest : public UploaderFixture {
 protected:
  void SetUp() override {
    cert_ = dir_.sub("cert.pem");
    key_ = dir_.sub("key.pem");
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key_ + " -out " + cert_ +
                      " > /dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "the openssl command cannot make a test certificate";
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key_.c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Post("/api/v1/profiles", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_file("profile")) ++accepted_;
      res.status = 201;
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() is a no-op until the accept loop runs.
    ASSERT_TRUE(WaitUntil([&] { return server_->is_running(); }, Millis(5000)));
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string HttpsUrl() const { return "https://127.0.0.1:" + std::to_string(port_); }

  std::string cert_, key_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
};

TEST_F(TlsTest, UntrustedCertificateIsRefusedAndThePairKept) {
  auto u = StartUploader(Options(HttpsUrl()));
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return u->stats().retries >= 2; }, Millis(30'000)));
  u->Stop(Millis(0));
  EXPECT_EQ(accepted_.load(), 0);
  EXPECT_EQ(SpoolPairs(), 1);
  EXPECT_NE(log_.joined().find("certificate"), std::string::npos) << log_.joined();
}

TEST_F(TlsTest, CaBundleMakesThePrivateCertificateTrusted) {
  UploaderOptions o = Options(HttpsUrl());
  o.ca_bundle = cert_;
  auto u = StartUploader(o);
  SubmitProfile(*u, 1);
  ASSERT_TRUE(WaitUntil([&] { return u->stats().sent == 1; }, Millis(30'000))) << log_.joined();
  EXPECT_EQ(accepted_.load(), 1);
}

}  // namespace
}  // namespace autoprof::testing
