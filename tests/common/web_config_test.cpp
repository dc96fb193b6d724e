#include <catch2/catch.hpp>

#include <cstdlib>

#include <httplib.h>

#include "common/web_config.h"
#include "common/web_server.h"
#include "common/yaml_errors.h"
#include "support/process.h"

using namespace twikit;

namespace {
// bcrypt of "s3cret" at cost 4 (cheap for tests; production hashes use 10 or more).
const char* kHash = "$2b$04$MK4UrSwbB9LSAoorM/0xsOMg7G57QTupW9MbjU0iiwIPv8iciMiyy";

std::string write_web_config(const std::string& body) {
  const std::string dir = testing::make_temp_dir("twikit-webcfg");
  testing::write_file(dir + "/web.yml", body);
  return dir + "/web.yml";
}

// A web server for `cfg` with one route at `path` answering `body`.
std::unique_ptr<WebServer> serve(const WebConfig& cfg, const std::string& path, const std::string& body) {
  WebRouter router;
  router.add(path, [body](const WebRequest&, WebResponse& res) { res.set_body(body, "text/plain"); });
  WebServerOptions options;
  options.web = cfg;
  return std::make_unique<WebServer>(std::move(router), std::move(options));
}

// A self-signed certificate for 127.0.0.1 (cert.pem, key.pem) in a fresh directory, which is returned.
std::string make_certificate() { return testing::make_self_signed_certificate(); }
}  // namespace

TEST_CASE("bcrypt hashes from exporter-toolkit configs verify passwords") {
  CHECK(password_matches(kHash, "s3cret"));
  CHECK_FALSE(password_matches(kHash, "wrong"));
}

TEST_CASE("basic auth rejects missing and wrong credentials with 401 and accepts the right ones") {
  const WebConfig cfg = load_web_config(write_web_config(std::string("basic_auth_users:\n  ops: '") + kHash + "'\n"));
  auto server = serve(cfg, "/metrics", "ok");
  const int port = server->bind("127.0.0.1:0");
  server->start();
  httplib::Client client("127.0.0.1", port);
  auto anonymous = client.Get("/metrics");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(anonymous->get_header_value("WWW-Authenticate") == "Basic");
  client.set_basic_auth("ops", "nope");
  CHECK(client.Get("/metrics")->status == 401);
  client.set_basic_auth("ops", "s3cret");
  auto ok = client.Get("/metrics");
  CHECK(ok->status == 200);
  CHECK(ok->body == "ok");
}

TEST_CASE("TLS is served with the configured certificate") {
  const std::string dir = make_certificate();
  testing::write_file(dir + "/web.yml", "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n");
  const WebConfig cfg = load_web_config(dir + "/web.yml");
  REQUIRE(cfg.tls);
  CHECK(cfg.tls->cert_file == dir + "/cert.pem");
  auto server = serve(cfg, "/x", "secure");
  const int port = server->bind("127.0.0.1:0");
  server->start();
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  auto res = client.Get("/x");
  REQUIRE(res);
  CHECK(res->body == "secure");
}

TEST_CASE("web config errors carry positions and unknown fields are rejected") {
  CHECK_THROWS_WITH(load_web_config(write_web_config("basic_auth_users:\n  ops: plaintext\n")),
                    Catch::Contains("web.yml:2:8: password of user ops is not a bcrypt hash"));
  CHECK_THROWS_WITH(load_web_config(write_web_config("tls_config: {}\n")),
                    Catch::Contains("web.yml:1:1: field tls_config not found in type"));
  CHECK_THROWS_AS(serve(load_web_config(write_web_config(
                            "tls_server_config: {cert_file: /nonexistent.pem, key_file: /nonexistent.key}\n")),
                        "/", ""),
                  std::runtime_error);
}

TEST_CASE("with a client CA, only clients presenting a certificate it signed are served") {
  const std::string dir = make_certificate();  // self-signed: it is its own CA
  testing::write_file(dir + "/web.yml",
                      "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_ca_file: cert.pem\n");
  auto server = serve(load_web_config(dir + "/web.yml"), "/x", "client ok");
  const int port = server->bind("127.0.0.1:0");
  server->start();
  httplib::SSLClient anonymous("127.0.0.1", port);
  anonymous.enable_server_certificate_verification(false);
  CHECK_FALSE(anonymous.Get("/x"));
  httplib::SSLClient with_cert("127.0.0.1", port, dir + "/cert.pem", dir + "/key.pem");
  with_cert.enable_server_certificate_verification(false);
  auto res = with_cert.Get("/x");
  REQUIRE(res);
  CHECK(res->body == "client ok");
}

TEST_CASE("configured headers are added to every response, errors included") {
  const WebConfig cfg = load_web_config(write_web_config("http_server_config:\n  headers:\n    X-Frame-Options: deny\n"));
  auto server = serve(cfg, "/x", "plain");
  const int port = server->bind("127.0.0.1:0");
  server->start();
  httplib::Client client("127.0.0.1", port);
  CHECK(client.Get("/x")->get_header_value("X-Frame-Options") == "deny");
  auto missing = client.Get("/missing");
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("X-Frame-Options") == "deny");
}
