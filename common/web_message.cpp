#include "common/web_message.h"

#include <algorithm>

namespace twikit {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

const std::string* WebHeaders::find(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

std::string WebHeaders::get(std::string_view name) const {
  const std::string* v = find(name);
  return v ? *v : std::string();
}

void WebHeaders::set(std::string name, std::string value) {
  remove(name);
  fields_.emplace_back(std::move(name), std::move(value));
}

void WebHeaders::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

void WebHeaders::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
}

std::optional<std::string> WebRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::vector<std::string> WebRequest::params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == name) out.push_back(v);
  }
  return out;
}

void WebResponse::set_body(std::string text, std::string content_type) {
  owner_.reset();
  parts_.clear();
  text_ = std::move(text);
  headers.set("Content-Type", std::move(content_type));
}

void WebResponse::set_body_parts(std::shared_ptr<const void> owner, std::vector<std::string_view> parts,
                                 std::string content_type) {
  text_.clear();
  owner_ = std::move(owner);
  parts_ = std::move(parts);
  headers.set("Content-Type", std::move(content_type));
}

std::vector<std::string_view> WebResponse::body_parts() const {
  if (owner_) return parts_;
  if (text_.empty()) return {};
  return {std::string_view(text_)};
}

std::size_t WebResponse::body_size() const {
  if (!owner_) return text_.size();
  std::size_t n = 0;
  for (auto p : parts_) n += p.size();
  return n;
}

std::string WebResponse::body() const {
  std::string out;
  out.reserve(body_size());
  for (auto p : body_parts()) out.append(p);
  return out;
}

void WebResponse::clear_body() {
  text_.clear();
  owner_.reset();
  parts_.clear();
}

std::string percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus_as_space) ? ' ' : c;
  }
  return out;
}

WebParams parse_query(std::string_view query) {
  WebParams out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(percent_decode(item, true), std::string());
    } else {
      out.emplace_back(percent_decode(item.substr(0, eq), true), percent_decode(item.substr(eq + 1), true));
    }
  }
  return out;
}

WebParams form_params(const WebRequest& request) {
  const bool body_method = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  const std::string content_type = request.headers.get("Content-Type");
  std::string_view type = std::string_view(content_type).substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!body_method || !iequals(type, "application/x-www-form-urlencoded")) return request.query;
  WebParams out = parse_query(request.body);
  out.insert(out.end(), request.query.begin(), request.query.end());
  return out;
}

}  // namespace twikit
