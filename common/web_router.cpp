#include "common/web_router.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace twikit {
namespace {

struct ErrorKind {
  const char* type;
  const char* message;  // Go's net/http wording where it has one
};

ErrorKind kind_of(int status) {
  switch (status) {
    case 400: return {"bad_data", "Bad Request"};
    case 401: return {"unauthorized", "Unauthorized"};
    case 404: return {"not_found", "404 page not found"};
    case 405: return {"method_not_allowed", "Method Not Allowed"};
    case 408: return {"timeout", "Request Timeout"};
    case 413: return {"payload_too_large", "Request Entity Too Large"};
    case 503: return {"unavailable", "Service Unavailable"};
    default: return {"internal", "Internal Server Error"};
  }
}

}  // namespace

std::string web_status_message(int status) { return kind_of(status).message; }

WebResponse web_error(int status, WebErrorFormat format, const std::string& message) {
  const ErrorKind kind = kind_of(status);
  const std::string text = message.empty() ? kind.message : message;
  WebResponse res;
  res.status = status;
  if (format == WebErrorFormat::json) {
    const nlohmann::json doc = {{"status", "error"}, {"errorType", kind.type}, {"error", text}};
    res.set_body(doc.dump() + "\n", "application/json");
  } else {
    res.set_body(text + "\n", "text/plain; charset=utf-8");
  }
  return res;
}

std::string body_too_large_message(std::size_t limit) {
  return "request body larger than " + std::to_string(limit) + " bytes";
}

void WebRouter::add(std::string path, WebHandler handler, WebRouteOptions options) {
  routes_.push_back(Route{std::move(path), false, std::move(handler), std::move(options)});
}

void WebRouter::add_prefix(std::string prefix, WebHandler handler, WebRouteOptions options) {
  routes_.push_back(Route{std::move(prefix), true, std::move(handler), std::move(options)});
}

const WebRouter::Route* WebRouter::find(const std::string& path) const {
  const Route* best = nullptr;
  for (const Route& r : routes_) {
    if (!r.prefix && r.path == path) return &r;
    if (r.prefix && path.starts_with(r.path) && (best == nullptr || r.path.size() > best->path.size())) best = &r;
  }
  return best;
}

std::optional<std::vector<std::string>> WebRouter::methods_for(const Route& route, const std::string& path) {
  if (!route.prefix || !route.options.path_methods) return route.options.methods;
  std::vector<std::string> methods = route.options.path_methods(path);
  if (methods.empty()) return std::nullopt;
  return methods;
}

bool WebRouter::allows(const std::vector<std::string>& m, const std::string& method) {
  if (std::find(m.begin(), m.end(), method) != m.end()) return true;
  return method == "HEAD" && std::find(m.begin(), m.end(), "GET") != m.end();
}

std::string WebRouter::allow_header(std::vector<std::string> methods) {
  if (std::find(methods.begin(), methods.end(), "GET") != methods.end() &&
      std::find(methods.begin(), methods.end(), "HEAD") == methods.end()) {
    methods.push_back("HEAD");
  }
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

WebResponse WebRouter::error(const WebRequest& request, int status, WebErrorFormat format,
                             const std::string& message) const {
  return error_writer_ ? error_writer_(request, status, format, message) : web_error(status, format, message);
}

std::optional<WebResponse> WebRouter::refuse(const Route* route, const WebRequest& request) const {
  if (route == nullptr) return error(request, 404, not_found_format_);
  std::optional<std::vector<std::string>> methods = methods_for(*route, request.path);
  if (!methods || allows(*methods, request.method)) return std::nullopt;
  WebResponse res = error(request, 405, route->options.errors);
  res.headers.set("Allow", allow_header(std::move(*methods)));
  return res;
}

std::variant<WebAdmission, WebResponse> WebRouter::admit(const WebRequest& head,
                                                          std::optional<std::uint64_t> content_length) const {
  const Route* route = find(head.path);
  if (auto refused = refuse(route, head)) return std::move(*refused);
  if (guard_) {
    if (auto answer = guard_(head, route->options.errors)) return std::move(*answer);
  }
  if (content_length && *content_length > route->options.max_body_bytes) {
    return error(head, 413, route->options.errors, body_too_large_message(route->options.max_body_bytes));
  }
  return WebAdmission{route->options.max_body_bytes, route->options.errors};
}

WebResponse WebRouter::body_too_large(const WebRequest& head, const WebAdmission& admission) const {
  return error(head, 413, admission.errors, body_too_large_message(admission.max_body_bytes));
}

WebResponse WebRouter::handle(const WebRequest& request) const {
  const Route* route = find(request.path);
  if (auto refused = refuse(route, request)) return std::move(*refused);
  WebResponse res;
  std::optional<std::string> failure;
  try {
    route->handler(request, res);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (failure) {
    res = exception_handler_ ? exception_handler_(request, route->options.errors, *failure)
                             : error(request, 500, route->options.errors, *failure);
  }
  if (request.method == "HEAD") {
    res.headers.set("Content-Length", std::to_string(res.body_size()));
    res.clear_body();
  }
  return res;
}

}  // namespace twikit
