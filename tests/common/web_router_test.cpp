#include <catch2/catch.hpp>

#include "common/web_router.h"

using namespace twikit;

namespace {

WebRequest request(std::string method, std::string path) {
  WebRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

WebRouter sample_router() {
  WebRouter router;
  router.add("/metrics", [](const WebRequest&, WebResponse& res) { res.set_body("m 1\n", "text/plain"); });
  WebRouteOptions post;
  post.methods = {"POST", "PUT"};
  post.max_body_bytes = 10;
  post.errors = WebErrorFormat::json;
  router.add("/-/reload", [](const WebRequest& req, WebResponse& res) { res.set_body("got " + req.body, "text/plain"); },
             post);
  router.add_prefix("/api/", [](const WebRequest& req, WebResponse& res) { res.set_body("api " + req.path, "text/plain"); });
  router.add_prefix("/api/v1/", [](const WebRequest& req, WebResponse& res) { res.set_body("v1 " + req.path, "text/plain"); });
  router.add("/boom", [](const WebRequest&, WebResponse&) { throw std::runtime_error("it broke"); });
  return router;
}

}  // namespace

TEST_CASE("a method the route does not allow gets 405 with the allowed methods in Allow") {
  const WebRouter router = sample_router();
  const WebResponse get = router.handle(request("GET", "/-/reload"));
  CHECK(get.status == 405);
  CHECK(get.headers.get("Allow") == "POST, PUT");
  CHECK(get.body() == R"({"error":"Method Not Allowed","errorType":"method_not_allowed","status":"error"})" "\n");
  CHECK(get.headers.get("content-type") == "application/json");

  const WebResponse post = router.handle(request("POST", "/metrics"));
  CHECK(post.status == 405);
  CHECK(post.headers.get("Allow") == "GET, HEAD");
  CHECK(post.body() == "Method Not Allowed\n");
}

TEST_CASE("HEAD is answered like GET without the body, keeping the GET body's length") {
  const WebRouter router = sample_router();
  const WebResponse head = router.handle(request("HEAD", "/metrics"));
  CHECK(head.status == 200);
  CHECK(head.body_size() == 0);
  CHECK(head.headers.get("Content-Length") == "4");
  CHECK(head.headers.get("Content-Type") == "text/plain");
}

TEST_CASE("an unknown path gets 404 in the router's error format") {
  CHECK(sample_router().handle(request("GET", "/nothing")).body() == "404 page not found\n");
  WebRouter json(WebErrorFormat::json);
  const WebResponse res = json.handle(request("GET", "/nothing"));
  CHECK(res.status == 404);
  CHECK(res.body() == R"({"error":"404 page not found","errorType":"not_found","status":"error"})" "\n");
}

TEST_CASE("a declared body over the route's limit is refused with 413 at admission") {
  const WebRouter router = sample_router();
  const auto small = router.admit(request("POST", "/-/reload"), 10);
  REQUIRE(std::holds_alternative<WebAdmission>(small));
  CHECK(std::get<WebAdmission>(small).max_body_bytes == 10);
  const auto big = router.admit(request("POST", "/-/reload"), 11);
  REQUIRE(std::holds_alternative<WebResponse>(big));
  CHECK(std::get<WebResponse>(big).status == 413);
  CHECK(std::get<WebResponse>(big).body() ==
        R"({"error":"request body larger than 10 bytes","errorType":"payload_too_large","status":"error"})" "\n");
  // A chunked body's length is unknown at admission: the server enforces the limit while reading it.
  CHECK(std::holds_alternative<WebAdmission>(router.admit(request("POST", "/-/reload"), std::nullopt)));
  CHECK(std::get<WebResponse>(router.admit(request("PUT", "/nowhere"), 1)).status == 404);
  CHECK(std::get<WebResponse>(router.admit(request("GET", "/-/reload"), std::nullopt)).status == 405);
}

TEST_CASE("exact paths win over prefixes and the longest prefix wins") {
  const WebRouter router = sample_router();
  CHECK(router.handle(request("GET", "/api/v1/query")).body() == "v1 /api/v1/query");
  CHECK(router.handle(request("GET", "/api/v2/alerts")).body() == "api /api/v2/alerts");
  CHECK(router.handle(request("GET", "/api")).status == 404);
  WebRequest post = request("POST", "/-/reload");
  post.body = "x";
  CHECK(router.handle(post).body() == "got x");
}

TEST_CASE("a handler that throws gets 500 with its message") {
  const WebResponse res = sample_router().handle(request("GET", "/boom"));
  CHECK(res.status == 500);
  CHECK(res.body() == "it broke\n");
}

TEST_CASE("query strings decode into ordered parameters with repeats") {
  WebRequest r;
  r.query = parse_query("match[]=up&match[]=a%3D%22b%22&x=1+2&flag&&y=%zz");
  CHECK(r.params("match[]") == std::vector<std::string>{"up", "a=\"b\""});
  CHECK(r.param("x") == "1 2");
  CHECK(r.param("flag") == "");
  CHECK(r.param("y") == "%zz");
  CHECK_FALSE(r.param("nope"));
  CHECK(percent_decode("/a%20b+c", false) == "/a b+c");
}

TEST_CASE("header names compare without case and set replaces every repeat") {
  WebHeaders h;
  h.add("Accept", "a");
  h.add("accept", "b");
  CHECK(h.get("ACCEPT") == "a");
  h.set("ACCEPT", "c");
  CHECK(h.fields() == std::vector<std::pair<std::string, std::string>>{{"ACCEPT", "c"}});
  h.remove("accept");
  CHECK_FALSE(h.has("Accept"));
}

TEST_CASE("a response body shared with its owner is sent in parts without a copy") {
  auto owner = std::make_shared<const std::string>("hello, world");
  WebResponse res;
  res.set_body_parts(owner, {std::string_view(*owner).substr(0, 5), std::string_view(*owner).substr(5)}, "text/plain");
  CHECK(res.body_size() == 12);
  CHECK(res.body_parts()[0].data() == owner->data());
  CHECK(res.body() == "hello, world");
}

TEST_CASE("the guard answers at admission, after the method check and before the body limit") {
  WebRouter router = sample_router();
  router.set_guard([](const WebRequest& head, WebErrorFormat format) -> std::optional<WebResponse> {
    if (head.headers.get("Authorization") == "Bearer ok") return std::nullopt;
    return web_error(401, format, "no token");
  });
  const auto refused = router.admit(request("POST", "/-/reload"), 500'000'000);
  REQUIRE(std::holds_alternative<WebResponse>(refused));
  CHECK(std::get<WebResponse>(refused).status == 401);
  CHECK(std::get<WebResponse>(refused).body() == R"({"error":"no token","errorType":"unauthorized","status":"error"})" "\n");
  CHECK(std::get<WebResponse>(router.admit(request("GET", "/-/reload"), std::nullopt)).status == 405);
  WebRequest authorized = request("POST", "/-/reload");
  authorized.headers.set("Authorization", "Bearer ok");
  CHECK(std::get<WebResponse>(router.admit(authorized, 11)).status == 413);
  CHECK(std::holds_alternative<WebAdmission>(router.admit(authorized, 10)));
}

TEST_CASE("an error writer words the router's own errors and a 405 keeps its Allow") {
  WebRouter router = sample_router();
  router.set_error_writer([](const WebRequest& req, int status, WebErrorFormat, const std::string& message) {
    WebResponse res;
    res.status = status;
    res.set_body(req.path + " " + std::to_string(status) + " [" + message + "]", "text/plain");
    return res;
  });
  CHECK(router.handle(request("GET", "/nothing")).body() == "/nothing 404 []");
  const WebResponse wrong = router.handle(request("DELETE", "/metrics"));
  CHECK(wrong.body() == "/metrics 405 []");
  CHECK(wrong.headers.get("Allow") == "GET, HEAD");
  CHECK(std::get<WebResponse>(router.admit(request("POST", "/-/reload"), 11)).body() == "/-/reload 413 [request body larger than 10 bytes]");
  CHECK(router.body_too_large(request("POST", "/-/reload"), WebAdmission{10, WebErrorFormat::json}).body() ==
        "/-/reload 413 [request body larger than 10 bytes]");
  CHECK(router.handle(request("GET", "/boom")).body() == "/boom 500 [it broke]");
}

TEST_CASE("an exception handler answers for a handler that throws") {
  WebRouter router = sample_router();
  router.set_exception_handler([](const WebRequest& req, WebErrorFormat, const std::string& what) {
    WebResponse res;
    res.status = 500;
    res.set_body(req.path + ": " + what, "text/plain");
    return res;
  });
  const WebResponse res = router.handle(request("GET", "/boom"));
  CHECK(res.status == 500);
  CHECK(res.body() == "/boom: it broke");
}

TEST_CASE("form_params puts a urlencoded POST body's parameters before the query string's") {
  WebRequest post = request("POST", "/api/v1/query");
  post.query = parse_query("time=1");
  post.body = "query=up%7Bjob%3D%22a%22%7D&time=2";
  post.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  CHECK(form_params(post) == WebParams{{"query", "up{job=\"a\"}"}, {"time", "2"}, {"time", "1"}});
  post.headers.set("Content-Type", "application/json");
  CHECK(form_params(post) == WebParams{{"time", "1"}});
  WebRequest get = request("GET", "/api/v1/query");
  get.body = "query=up";
  get.headers.set("Content-Type", "application/x-www-form-urlencoded");
  CHECK(form_params(get).empty());
}

TEST_CASE("a prefix route's 405 lists the methods of the path asked, not of the whole prefix") {
  WebRouter router;
  WebRouteOptions options;
  options.methods = {"GET", "POST"};
  options.path_methods = [](std::string_view path) -> std::vector<std::string> {
    if (path.ends_with("/acknowledge")) return {"POST"};
    if (path.find('/', std::string_view("/alerts/").size()) == std::string_view::npos) return {"GET"};
    return {};
  };
  router.add_prefix("/alerts/", [](const WebRequest& req, WebResponse& res) {
    res.status = req.path == "/alerts/a/b" ? 404 : 200;
    res.set_body(req.method + " " + req.path, "text/plain");
  }, options);

  const WebResponse post_alert = router.handle(request("POST", "/alerts/a"));
  CHECK(post_alert.status == 405);
  CHECK(post_alert.headers.get("Allow") == "GET, HEAD");
  const WebResponse get_ack = router.handle(request("GET", "/alerts/a/acknowledge"));
  CHECK(get_ack.status == 405);
  CHECK(get_ack.headers.get("Allow") == "POST");
  const WebResponse delete_ack = router.handle(request("DELETE", "/alerts/a/acknowledge"));
  CHECK(delete_ack.status == 405);
  CHECK(delete_ack.headers.get("Allow") == "POST");

  CHECK(router.handle(request("HEAD", "/alerts/a")).status == 200);
  CHECK(router.handle(request("POST", "/alerts/a/acknowledge")).body() == "POST /alerts/a/acknowledge");
  // A path the route does not know is the handler's to answer, whatever the method.
  const WebResponse unknown = router.handle(request("DELETE", "/alerts/a/b"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body() == "DELETE /alerts/a/b");
  CHECK(std::holds_alternative<WebAdmission>(router.admit(request("DELETE", "/alerts/a/b"), std::nullopt)));
}
