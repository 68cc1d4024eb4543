// The viewer's HTTP API over real loopback HTTP: every endpoint, hostile
// uploads, the token, dedup, filters and the webhook.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "autoprof/viewer_server.h"
#if __has_include("autoprof/ui_assets.h")
#include "autoprof/ui_assets.h"
#endif
#include "viewer_test_support.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CpuProfileBytes;
using testing::Sidecar;
using testing::Upload;

class ViewerApiTest : public testing::ScratchDirTest {
 protected:
  void TearDown() override {
    server_.reset();
    ScratchDirTest::TearDown();
  }

  void Start(ViewerOptions options = {}) {
    options.data_dir = dir_.string();
    options.listen = "127.0.0.1:0";
    if (options.max_upload_bytes == ViewerOptions{}.max_upload_bytes) {
      options.max_upload_bytes = 4 << 20;
    }
    options.max_profile_bytes = 4 << 20;
    Result<std::unique_ptr<ViewerServer>> server = ViewerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>(server_->url());
    client_->set_read_timeout(30);
  }

  std::string UploadOk(const std::string& bytes, const std::string& metadata) {
    httplib::Result res = Upload(*client_, bytes, metadata);
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body, nullptr, false).value("id", "");
  }

  json GetJson(const std::string& path, int expected_status = 200) {
    httplib::Result res = client_->Get(path);
    EXPECT_TRUE(res);
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expected_status) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
    return json::parse(res->body, nullptr, false);
  }

  size_t StoredFiles() {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_ / "profiles")) n += e.is_regular_file();
    return n;
  }

  std::unique_ptr<ViewerServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ViewerApiTest, UploadAnswers201WithTheIdAndServesMetadataAndOriginalBytes) {
  Start();
  std::string bytes = CpuProfileBytes();
  std::string id = UploadOk(bytes, Sidecar("checkout"));
  EXPECT_EQ(id, ContentId(bytes));

  json meta = GetJson("/api/v1/profiles/" + id);
  EXPECT_EQ(meta["id"], id);
  EXPECT_EQ(meta["app"], "checkout");
  EXPECT_EQ(meta["trigger"]["reason"], "cpu");
  EXPECT_EQ(meta["pid"], 42);

  httplib::Result pprof = client_->Get("/api/v1/profiles/" + id + "/pprof");
  ASSERT_TRUE(pprof);
  EXPECT_EQ(pprof->status, 200);
  EXPECT_EQ(pprof->body, bytes);
  EXPECT_EQ(pprof->get_header_value("Content-Disposition"),
            "attachment; filename=\"checkout-cpu-" + id.substr(0, 12) + ".pb.gz\"");
}

TEST_F(ViewerApiTest, ResendingTheSameProfileYieldsTheSameIdAndOneStoredCopy) {
  Start();
  std::string bytes = CpuProfileBytes();
  std::string first = UploadOk(bytes, Sidecar("checkout"));
  std::string second = UploadOk(bytes, Sidecar("checkout"));
  EXPECT_EQ(first, second);
  // A resend is still checked: a sidecar naming another id is refused.
  httplib::Result inconsistent =
      Upload(*client_, bytes, R"({"app":"checkout","id":")" + ContentId("x") + "\"}");
  ASSERT_TRUE(inconsistent);
  EXPECT_EQ(inconsistent->status, 400);
  EXPECT_EQ(GetJson("/api/v1/profiles").size(), 1u);
  EXPECT_EQ(StoredFiles(), 1u);
}

TEST_F(ViewerApiTest, ListIsNewestFirstAndFiltersByAppKindTimeAndLabel) {
  Start();
  std::string a = UploadOk(CpuProfileBytes(1), Sidecar("api", "cpu", "cpu", "2026-11-24T10:00:00Z",
                                                       {{"version", "1.4"}}));
  std::string b = UploadOk(CpuProfileBytes(2), Sidecar("api", "heap", "memory",
                                                       "2026-11-24T12:00:00Z", {{"version", "1.5"}}));
  std::string c = UploadOk(CpuProfileBytes(3), Sidecar("db", "cpu", "throttle",
                                                       "2026-11-24T11:00:00Z", {{"version", "1.5"}}));
  auto ids = [](const json& list) {
    std::vector<std::string> out;
    for (const json& m : list) out.push_back(m["id"]);
    return out;
  };
  EXPECT_EQ(ids(GetJson("/api/v1/profiles")), (std::vector<std::string>{b, c, a}));
  EXPECT_EQ(ids(GetJson("/api/v1/profiles?app=api")), (std::vector<std::string>{b, a}));
  EXPECT_EQ(ids(GetJson("/api/v1/profiles?kind=cpu")), (std::vector<std::string>{c, a}));
  EXPECT_EQ(ids(GetJson("/api/v1/profiles?label=version:1.5")), (std::vector<std::string>{b, c}));
  EXPECT_EQ(ids(GetJson("/api/v1/profiles?from=2026-11-24T10:30:00Z&to=2026-11-24T11:30:00Z")),
            (std::vector<std::string>{c}));
  EXPECT_EQ(ids(GetJson("/api/v1/profiles?app=api&label=version:1.4")),
            (std::vector<std::string>{a}));
  EXPECT_TRUE(GetJson("/api/v1/profiles?app=nobody").empty());
  EXPECT_EQ(GetJson("/api/v1/profiles?label=nocolon", 400)["error"],
            "label 'nocolon': expected key:value");
  GetJson("/api/v1/profiles?from=yesterday", 400);
}

TEST_F(ViewerApiTest, BadAndHostileUploadsGet4xxWithOneLineAndChangeNothing) {
  ViewerOptions options;
  options.max_upload_bytes = 1 << 20;
  Start(options);
  std::string good = CpuProfileBytes();
  Result<std::string> bomb = Gzip(std::string(64 << 20, 'A'));  // 64 MiB in ~64 KiB
  ASSERT_TRUE(bomb.ok());
  ASSERT_LT(bomb->size(), 1u << 20);
  struct Case {
    const char* what;
    std::string bytes, metadata;
    int status;
  } cases[] = {
      {"not gzip", "this is not a profile at all", Sidecar("api"), 400},
      {"truncated gzip", good.substr(0, good.size() - 9), Sidecar("api"), 400},
      {"gzip of garbage", *Gzip("\xff\xff\xff garbage"), Sidecar("api"), 400},
      {"gzip bomb", *bomb, Sidecar("api"), 413},
      {"bad metadata JSON", good, "{\"app\": ", 400},
      {"metadata without app", good, "{}", 400},
      {"inconsistent id", good, R"({"app":"api","id":")" + ContentId("other") + "\"}", 400},
  };
  for (const Case& c : cases) {
    httplib::Result res = Upload(*client_, c.bytes, c.metadata);
    ASSERT_TRUE(res) << c.what;
    EXPECT_EQ(res->status, c.status) << c.what << ": " << res->body;
    json body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << c.what << ": " << res->body;
    std::string reason = body.value("error", "");
    EXPECT_FALSE(reason.empty()) << c.what;
    EXPECT_EQ(reason.find('\n'), std::string::npos) << c.what << ": " << reason;
  }
  // The wrong shape of request.
  httplib::Result raw = client_->Post("/api/v1/profiles", good, "application/octet-stream");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 415);
  httplib::MultipartFormDataItems only_profile = {{"profile", good, "p.pb.gz", ""}};
  httplib::Result missing = client_->Post("/api/v1/profiles", only_profile);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(json::parse(missing->body)["error"], "missing form field 'metadata'");
  // A compressed request body would be inflated without a bound: refused unread.
  httplib::Headers encoded = {{"Content-Encoding", "gzip"}};
  httplib::Result inflated =
      client_->Post("/api/v1/profiles", encoded, *bomb, "multipart/form-data; boundary=x");
  ASSERT_TRUE(inflated);
  EXPECT_EQ(inflated->status, 415);

  EXPECT_TRUE(GetJson("/api/v1/profiles").empty());
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(ViewerApiTest, A50MegabyteBodyIsRefusedWith413) {
  Start();
  std::string huge(50u << 20, 'x');
  httplib::Result res = Upload(*client_, huge, Sidecar("api"));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"], "request body larger than 4194304 bytes");
  EXPECT_TRUE(GetJson("/api/v1/profiles").empty());
}

TEST_F(ViewerApiTest, InvalidAndUnknownIdsGet400And404) {
  Start();
  std::string unknown = ContentId("never uploaded");
  for (const std::string& path :
       {std::string("/api/v1/profiles/xyz"),
        "/api/v1/profiles/" + unknown.substr(1) + "Z/top",
        "/api/v1/profiles/" + std::string(64, 'A') + "/flamegraph",
        "/api/v1/diff?base=nope&target=" + unknown, "/api/v1/diff?target=" + unknown}) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path << ": " << res->body;
  }
  for (const std::string& path :
       {"/api/v1/profiles/" + unknown, "/api/v1/profiles/" + unknown + "/pprof",
        std::string("/api/v1/profiles/..%2F..%2Fetc/pprof"),
        "/api/v1/profiles/" + unknown + "/flamegraph",
        "/api/v1/diff?base=" + unknown + "&target=" + unknown}) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path << ": " << res->body;
  }
}

TEST_F(ViewerApiTest, WithATokenEveryRequestWithoutItGets401) {
  ViewerOptions options;
  options.token = "s3cret";
  Start(options);
  std::string bytes = CpuProfileBytes();
  httplib::Result anonymous = Upload(*client_, bytes, Sidecar("api"));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Bearer realm=\"autoprof\"");
  httplib::Result wrong = Upload(*client_, bytes, Sidecar("api"), {{"Authorization", "Bearer s3cre"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  for (const char* path : {"/", "/api/v1/profiles", "/ingest?name=a"}) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << path;
  }
  EXPECT_EQ(StoredFiles(), 0u);

  client_->set_bearer_token_auth("s3cret");
  EXPECT_EQ(UploadOk(bytes, Sidecar("api")), ContentId(bytes));
  EXPECT_EQ(GetJson("/api/v1/profiles").size(), 1u);
}

TEST_F(ViewerApiTest, WithATokenABrowserGetsALoginFormAndThenACookie) {
  ViewerOptions options;
  options.token = "s3cret";
  Start(options);
  httplib::Result page = client_->Get("/", {{"Accept", "text/html"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 401);  // still 401: the form is the body of the refusal
  EXPECT_NE(page->body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("form-action 'self'"),
            std::string::npos);

  httplib::Result wrong = client_->Post("/login", "token=s3cre", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));

  httplib::Result right = client_->Post("/login", "token=s3cret", "application/x-www-form-urlencoded");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 303);
  std::string cookie = right->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.find("s3cret"), std::string::npos);  // a hash, not the token
  EXPECT_NE(cookie.find("HttpOnly; SameSite=Strict"), std::string::npos);
  std::string pair = cookie.substr(0, cookie.find(';'));
  httplib::Result list = client_->Get("/api/v1/profiles", {{"Cookie", pair}});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  httplib::Result forged = client_->Get("/api/v1/profiles", {{"Cookie", "autoprof_token=s3cret"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
}

TEST_F(ViewerApiTest, PyroscopeIngestAcceptsRawAndMultipartBodiesAndDedupsWithOurUploads) {
  Start();
  std::string bytes = CpuProfileBytes(7);
  httplib::Result raw = client_->Post(
      "/ingest?name=go-svc%7Benv%3Dprod%2Cversion%3D1.5%7D&from=1795554000&until=1795554010"
      "&format=pprof&spyName=gospy&sampleRate=100",
      bytes, "application/octet-stream");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->status, 200) << raw->body;
  std::string id = json::parse(raw->body)["id"];
  EXPECT_EQ(id, ContentId(bytes));
  json meta = GetJson("/api/v1/profiles/" + id);
  EXPECT_EQ(meta["app"], "go-svc");
  EXPECT_EQ(meta["labels"]["version"], "1.5");
  EXPECT_EQ(meta["start_time"], "2026-11-24T21:00:00.000Z");
  EXPECT_EQ(GetJson("/api/v1/profiles?label=env:prod").size(), 1u);

  std::string other = CpuProfileBytes(8);
  httplib::MultipartFormDataItems items = {{"profile", other, "profile.pprof", ""},
                                           {"sample_type_config", "{}", "", ""}};
  httplib::Result multipart = client_->Post("/ingest?name=go-svc&format=pprof", items);
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 200) << multipart->body;

  EXPECT_EQ(UploadOk(bytes, Sidecar("go-svc")), id);  // the same bytes by our API
  EXPECT_EQ(GetJson("/api/v1/profiles").size(), 2u);

  httplib::Result folded = client_->Post("/ingest?name=a&format=folded", "a;b 1", "text/plain");
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->status, 400);
  httplib::Result bad_name = client_->Post("/ingest?name=a%7Bx&format=pprof", bytes, "application/octet-stream");
  ASSERT_TRUE(bad_name);
  EXPECT_EQ(bad_name->status, 400);
  EXPECT_EQ(GetJson("/api/v1/profiles").size(), 2u);
}

TEST_F(ViewerApiTest, FlameGraphIsTheTreeOfTheStoredProfile) {
  Start();
  std::string id = UploadOk(CpuProfileBytes(0, 40), Sidecar("api"));
  json tree = GetJson("/api/v1/profiles/" + id + "/flamegraph");
  ASSERT_TRUE(tree.is_object());
  EXPECT_EQ(tree["kind"], "flame");
  EXPECT_EQ(tree["sample_type"]["type"], "cpu");
  EXPECT_EQ(tree["total"], (40 + 5) * 10'000'000);
  std::vector<std::string> names = tree["names"];
  EXPECT_NE(std::find(names.begin(), names.end(), "HotPath"), names.end());
  json samples = GetJson("/api/v1/profiles/" + id + "/flamegraph?sample_index=samples");
  EXPECT_EQ(samples["total"], 45);
  GetJson("/api/v1/profiles/" + id + "/flamegraph?sample_index=nosuch", 400);
  GetJson("/api/v1/profiles/" + id + "/flamegraph?min_fraction=2", 400);
}

TEST_F(ViewerApiTest, DiffComparesMergedGroupsUnderTheChosenNormalization) {
  Start();
  std::string base1 = UploadOk(CpuProfileBytes(1, 80), Sidecar("api"));
  std::string base2 = UploadOk(CpuProfileBytes(2, 80), Sidecar("api"));
  std::string target = UploadOk(CpuProfileBytes(3, 10), Sidecar("api"));
  json diff = GetJson("/api/v1/diff?base=" + base1 + "," + base2 + "&target=" + target +
                      "&normalize=absolute&sample_index=samples");
  ASSERT_TRUE(diff.is_object());
  json tree = diff["tree"];
  EXPECT_EQ(tree["kind"], "diff");
  EXPECT_EQ(tree["base"]["profiles"], 2);
  EXPECT_EQ(tree["base"]["total"], 80 + 6 + 80 + 7);
  EXPECT_EQ(tree["target"]["total"], 10 + 8);
  json table = diff["table"];
  EXPECT_EQ(table["normalization"], "absolute");
  ASSERT_FALSE(table["rows"].empty());
  json biggest = table["rows"][0];
  EXPECT_EQ(biggest["function"], "HotPath");
  EXPECT_EQ(biggest["before"], 160);
  EXPECT_EQ(biggest["after"], 10);
  EXPECT_EQ(biggest["delta"], -150);

  json share = GetJson("/api/v1/diff?base=" + base1 + "&target=" + target +
                       "&normalize=share&sample_index=samples");
  EXPECT_EQ(share["tree"]["normalization"], "share");
  EXPECT_EQ(share["table"]["normalization"], "share");
  // HotPath: 80 of 86 samples before, 10 of 18 after.
  bool found = false;
  for (const json& row : share["table"]["rows"]) {
    if (row["function"] != "HotPath") continue;
    found = true;
    EXPECT_NEAR(row["normalized_delta"].get<double>(), 10.0 / 18 - 80.0 / 86, 1e-9);
  }
  EXPECT_TRUE(found);
  GetJson("/api/v1/diff?base=" + base1 + "&target=" + target + "&normalize=sideways", 400);
}

TEST_F(ViewerApiTest, TopListsFunctionsByFlatValue) {
  Start();
  std::string id = UploadOk(CpuProfileBytes(0, 40), Sidecar("api"));
  httplib::Result res = client_->Get("/api/v1/profiles/" + id + "/top?n=2&sample_index=samples");
  ASSERT_TRUE(res);
  if (res->status == 501) GTEST_SKIP() << "top: " << res->body;
  ASSERT_EQ(res->status, 200) << res->body;
  json top = json::parse(res->body);
  EXPECT_EQ(top["unit"], "count");
  EXPECT_EQ(top["total"], 45);
  ASSERT_EQ(top["rows"].size(), 2u);
  EXPECT_EQ(top["rows"][0]["function"], "HotPath");
  EXPECT_EQ(top["rows"][0]["flat"], 40);
  EXPECT_EQ(top["rows"][0]["cum"], 40);
  EXPECT_EQ(top["rows"][1]["function"], "ColdPath");
}

TEST_F(ViewerApiTest, EveryResponseCarriesAContentSecurityPolicyAndHardeningHeaders) {
  Start();
  for (const char* path : {"/", "/api/v1/profiles", "/no/such/page", "/api/v1/profiles/bad"}) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << path;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY") << path;
  }
  httplib::Result page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
}

TEST_F(ViewerApiTest, ServesEveryEmbeddedUiFileWithItsContentType) {
#if __has_include("autoprof/ui_assets.h")
  Start();
  ASSERT_FALSE(UiAssets().empty());
  for (const UiAsset& asset : UiAssets()) {
    httplib::Result res = client_->Get("/" + std::string(asset.path));
    ASSERT_TRUE(res) << asset.path;
    EXPECT_EQ(res->status, 200) << asset.path;
    EXPECT_EQ(res->body, asset.content) << asset.path;
    EXPECT_EQ(res->get_header_value("Content-Type"), asset.mime_type) << asset.path;
  }
  httplib::Result missing = client_->Get("/no-such-file.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
#else
  GTEST_SKIP() << "this build has no embedded UI (autoprof/ui_assets.h)";
#endif
}

TEST_F(ViewerApiTest, AHostileAppNameIsServedAsJsonAndKeptOutOfTheDownloadName) {
  Start();
  std::string app = "<img src=x onerror=alert(1)>\"";
  std::string id = UploadOk(CpuProfileBytes(), Sidecar(app));
  json meta = GetJson("/api/v1/profiles/" + id);
  EXPECT_EQ(meta["app"], app);
  httplib::Result pprof = client_->Get("/api/v1/profiles/" + id + "/pprof");
  ASSERT_TRUE(pprof);
  std::string disposition = pprof->get_header_value("Content-Disposition");
  EXPECT_EQ(disposition.find('<'), std::string::npos) << disposition;
  EXPECT_EQ(std::count(disposition.begin(), disposition.end(), '"'), 2) << disposition;
}

// A loopback receiver for the webhook that records posts and can hold them.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mu_);
      bodies_.push_back(req.body);
      changed_.notify_all();
      changed_.wait(lock, [&] { return !hold_; });
      res.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookReceiver() {
    Release();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    changed_.notify_all();
  }
  // Waits (bounded) until `n` posts arrived; returns them.
  std::vector<std::string> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return bodies_.size() >= n; });
    return bodies_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> bodies_;
  bool hold_ = false;
};

TEST_F(ViewerApiTest, ATriggeredProfilePostsASlackMessageWithTheTriggerAndALink) {
  WebhookReceiver receiver;
  ViewerOptions options;
  options.webhook_url = receiver.url();
  options.public_url = "https://viewer.example/";
  Start(options);
  UploadOk(CpuProfileBytes(1), Sidecar("manual-app", "cpu", "manual"));  // not a threshold
  std::string id = UploadOk(CpuProfileBytes(2), Sidecar("checkout", "cpu", "cpu"));
  std::vector<std::string> posts = receiver.WaitFor(1);
  ASSERT_EQ(posts.size(), 1u);
  json message = json::parse(posts[0]);
  std::string text = message["text"];
  EXPECT_NE(text.find("checkout"), std::string::npos) << text;
  EXPECT_NE(text.find("trigger cpu at 0.91 (threshold 0.75)"), std::string::npos) << text;
  EXPECT_NE(text.find("<https://viewer.example/#/profile/" + id + "|flame graph>"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("manual-app"), std::string::npos);
}

TEST_F(ViewerApiTest, AStalledWebhookReceiverNeverHoldsUpIngest) {
  WebhookReceiver receiver;
  receiver.Hold();  // the receiver accepts the post and does not answer
  ViewerOptions options;
  options.webhook_url = receiver.url();
  Start(options);
  UploadOk(CpuProfileBytes(1), Sidecar("a", "cpu", "cpu"));
  ASSERT_EQ(receiver.WaitFor(1).size(), 1u);  // the first post is now stuck in the receiver
  for (int i = 2; i < 12; ++i) UploadOk(CpuProfileBytes(i), Sidecar("a", "cpu", "cpu"));
  EXPECT_EQ(GetJson("/api/v1/profiles").size(), 11u);
  receiver.Release();
}

TEST_F(ViewerApiTest, ARestartedServerServesWhatWasStoredBefore) {
  Start();
  std::string bytes = CpuProfileBytes();
  std::string id = UploadOk(bytes, Sidecar("api"));
  server_->Stop();
  server_.reset();
  Start();
  EXPECT_EQ(GetJson("/api/v1/profiles/" + id)["app"], "api");
  httplib::Result pprof = client_->Get("/api/v1/profiles/" + id + "/pprof");
  ASSERT_TRUE(pprof);
  EXPECT_EQ(pprof->body, bytes);
}

TEST(ListenAddressTest, ParsesHostAndPortAndRejectsTheRest) {
  EXPECT_EQ(ParseListenAddress("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(ParseListenAddress("[::1]:0")->host, "::1");
  for (const char* bad : {"8080", ":8080", "host:", "host:65536", "host:80x", "::1:80"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace autoprof
