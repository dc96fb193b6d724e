#include <catch2/catch.hpp>

#include <cstdlib>

#include "common/http_server.h"
#include "common/web_config.h"
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
}  // namespace

TEST_CASE("bcrypt hashes from exporter-toolkit configs verify passwords") {
  CHECK(password_matches(kHash, "s3cret"));
  CHECK_FALSE(password_matches(kHash, "wrong"));
}

TEST_CASE("basic auth rejects missing and wrong credentials with 401 and accepts the right ones") {
  const WebConfig cfg = load_web_config(write_web_config(std::string("basic_auth_users:\n  ops: '") + kHash + "'\n"));
  HttpServer server(make_http_server(cfg));
  apply_web_config(server.raw(), cfg);
  server.raw().Get("/metrics", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  const int port = server.bind("127.0.0.1:0");
  server.start();
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
  const std::string dir = testing::make_temp_dir("twikit-tls");
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + dir +
                          "/key.pem -out " + dir + "/cert.pem > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  testing::write_file(dir + "/web.yml", "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n");
  const WebConfig cfg = load_web_config(dir + "/web.yml");
  REQUIRE(cfg.tls);
  CHECK(cfg.tls->cert_file == dir + "/cert.pem");
  HttpServer server(make_http_server(cfg));
  server.raw().Get("/x", [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
  const int port = server.bind("127.0.0.1:0");
  server.start();
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
  CHECK_THROWS_AS(make_http_server(load_web_config(write_web_config(
                      "tls_server_config: {cert_file: /nonexistent.pem, key_file: /nonexistent.key}\n"))),
                  std::runtime_error);
}
