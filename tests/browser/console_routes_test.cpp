// The console's asset routes (alertd/console/console_routes.*) on a WebRouter, without a network.
#include <catch2/catch.hpp>

#include <string>

#include "alertd/console/console_routes.h"

using namespace twikit;

namespace {

WebResponse request(const WebRouter& router, const std::string& method, const std::string& path,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  WebRequest req;
  req.method = method;
  req.path = path;
  for (auto& [k, v] : headers) req.headers.add(k, v);
  return router.handle(req);
}

WebRouter console_router(bool token_required) {
  WebRouter router;
  console::add_console_routes(router, [token_required] { return token_required; });
  return router;
}

}  // namespace

TEST_CASE("/ serves the console's index page with its ETag, no-cache and a strict policy", "[console]") {
  const WebRouter router = console_router(false);
  const WebResponse res = request(router, "GET", "/", {{"Host", "127.0.0.1:9878"}});
  const console::EmbeddedAsset* index = console::find_asset("index.html");
  REQUIRE(index != nullptr);
  CHECK(res.status == 200);
  CHECK(res.headers.get("Content-Type") == "text/html; charset=utf-8");
  CHECK(res.headers.get("ETag") == index->etag);
  CHECK(res.headers.get("Cache-Control") == "no-cache");
  CHECK(res.headers.get("X-Content-Type-Options") == "nosniff");
  CHECK(res.headers.get("Content-Security-Policy") ==
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
        "ws://127.0.0.1:9878 wss://127.0.0.1:9878; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  CHECK(res.body() == std::string(reinterpret_cast<const char*>(index->data), index->size));
  CHECK(res.body().find("<script type=\"module\" src=\"/console/js/app.js\"></script>") != std::string::npos);
}

TEST_CASE("the console's pages have no inline script or style", "[console]") {
  const console::EmbeddedAsset* index = console::find_asset("index.html");
  REQUIRE(index != nullptr);
  const std::string html(reinterpret_cast<const char*>(index->data), index->size);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<style") == std::string::npos);
  CHECK(html.find(" style=") == std::string::npos);
  CHECK(html.find(" onclick=") == std::string::npos);
}

TEST_CASE("a Host header that is not a plain host:port stays out of the policy", "[console]") {
  CHECK(console::content_security_policy("evil\r\nSet-Cookie: x") ==
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  CHECK(console::content_security_policy("[::1]:9878").find("connect-src 'self' ws://[::1]:9878 wss://[::1]:9878;") !=
        std::string::npos);
}

TEST_CASE("assets under /console/ are served with the Content-Type of their extension", "[console]") {
  const WebRouter router = console_router(false);
  const WebResponse js = request(router, "GET", "/console/js/app.js");
  CHECK(js.status == 200);
  CHECK(js.headers.get("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(js.headers.get("Content-Security-Policy").empty());
  const WebResponse css = request(router, "GET", "/console/console.css");
  CHECK(css.status == 200);
  CHECK(css.headers.get("Content-Type") == "text/css; charset=utf-8");
  CHECK(request(router, "GET", "/console/favicon.svg").headers.get("Content-Type") == "image/svg+xml");
  CHECK(console::content_type_for("x.png") == "image/png");
  CHECK(console::content_type_for("x.bin") == "application/octet-stream");
}

TEST_CASE("a matching If-None-Match is answered 304 without a body", "[console]") {
  const WebRouter router = console_router(false);
  const std::string etag = console::find_asset("js/app.js")->etag;
  const WebResponse same = request(router, "GET", "/console/js/app.js", {{"If-None-Match", "\"other\", W/" + etag}});
  CHECK(same.status == 304);
  CHECK(same.body_size() == 0);
  CHECK(same.headers.get("ETag") == etag);
  CHECK(request(router, "GET", "/console/js/app.js", {{"If-None-Match", "\"other\""}}).status == 200);
}

TEST_CASE("an unknown asset is 404 and a POST is 405", "[console]") {
  const WebRouter router = console_router(false);
  CHECK(request(router, "GET", "/console/nope.js").status == 404);
  CHECK(request(router, "GET", "/console/../alertd.yaml").status == 404);
  const WebResponse post = request(router, "POST", "/");
  CHECK(post.status == 405);
  CHECK(post.headers.get("Allow") == "GET, HEAD");
}

TEST_CASE("settings.json says whether alertd needs a token, never cached", "[console]") {
  const WebResponse with = request(console_router(true), "GET", "/console/settings.json");
  CHECK(with.status == 200);
  CHECK(with.body() == R"({"tokenRequired":true})");
  CHECK(with.headers.get("Cache-Control") == "no-store");
  CHECK(request(console_router(false), "GET", "/console/settings.json").body() == R"({"tokenRequired":false})");
}

TEST_CASE("every embedded asset has a quoted ETag and the list is sorted by path", "[console]") {
  const auto assets = console::embedded_assets();
  REQUIRE(assets.size() >= 10);
  for (std::size_t i = 0; i < assets.size(); ++i) {
    INFO(assets[i].path);
    CHECK(std::string(assets[i].etag).size() == 22);
    CHECK(assets[i].etag[0] == '"');
    if (i > 0) CHECK(std::string(assets[i - 1].path) < std::string(assets[i].path));
  }
}
