#include "alertd/notify/email.h"

#include <algorithm>
#include <cstring>
#include <ctime>

#include <curl/curl.h>

#include "alertd/notify/severity.h"
#include "alertd/notify/template_data.h"

namespace twikit::notify {

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Header values must not carry line breaks (header injection).
std::string header_safe(std::string s) {
  for (auto& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

// Appends one encoded-word (space-separated from the one before). Appends only: GCC 12 at -O3 misreads
// `"literal" + std::string&&` as an overlapping copy (-Wrestrict).
void append_word(std::string& out, const std::string& word) {
  if (!out.empty()) out += ' ';
  out += "=?utf-8?q?";
  out += word;
  out += "?=";
}

// RFC 2047 "Q" encoding of a header value, as Go's mime.QEncoding.Encode("utf-8", v) writes it (which is
// what Alertmanager sends): printable ASCII goes as it is; otherwise encoded-words of at most 75 bytes,
// split between characters, joined by spaces.
std::string q_encode_header(const std::string& v) {
  const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b >= ' ' && b <= '~') || b == '\t';
  });
  if (plain) return v;
  // 75 bytes less "=?utf-8?q?" and "?=".
  constexpr std::size_t kMaxContent = 75 - 10 - 2;
  static const char* hex = "0123456789ABCDEF";
  std::string out, word;
  std::size_t i = 0;
  while (i < v.size()) {
    const auto lead = static_cast<unsigned char>(v[i]);
    std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    len = std::min(len, v.size() - i);
    std::string encoded;
    for (std::size_t k = 0; k < len; ++k) {
      const auto b = static_cast<unsigned char>(v[i + k]);
      if (b == ' ') {
        encoded += '_';
      } else if (b > ' ' && b <= '~' && b != '=' && b != '?' && b != '_') {
        encoded += static_cast<char>(b);
      } else {
        encoded += '=';
        encoded += hex[b >> 4];
        encoded += hex[b & 15];
      }
    }
    if (!word.empty() && word.size() + encoded.size() > kMaxContent) {
      append_word(out, word);
      word.clear();
    }
    word += encoded;
    i += len;
  }
  if (!word.empty()) append_word(out, word);
  return out;
}

std::string plain_body(const Notification& n, const TemplateData& d) {
  std::string t = default_title(n, d) + "\n\n";
  for (const char* status : {"firing", "resolved"}) {
    const std::size_t count = std::string(status) == "firing" ? d.firing : d.resolved;
    if (count == 0) continue;
    t += std::to_string(count) + " alert(s) " + status + ":\n\n";
    for (const auto& a : n.alerts) {
      if (alert_status(a, n.now) != status) continue;
      t += "- " + label_value(a.labels, "alertname") + "\n";
      t += "  Labels:\n";
      for (const auto& [k, v] : a.labels) t += "    " + k + " = " + v + "\n";
      if (!a.annotations.empty()) t += "  Annotations:\n";
      for (const auto& [k, v] : a.annotations) t += "    " + k + " = " + v + "\n";
      t += "  Started: " + format_rfc3339(a.starts_at) + "\n";
      if (a.resolved_at(n.now)) t += "  Ended: " + format_rfc3339(a.ends_at) + "\n";
      if (!a.generator_url.empty()) t += "  Source: " + a.generator_url + "\n";
      t += "\n";
    }
  }
  t += "Sent by alertd (" + n.external_url + ")\n";
  return t;
}

std::string html_body(const Notification& n, const TemplateData& d) {
  const std::string colour = d.status == "firing" ? "#e45959" : "#68b90f";
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>" + html_escape(default_title(n, d)) +
                  "</title></head><body style=\"font-family:sans-serif\">\n";
  h += "<h2 style=\"background:" + colour + ";color:#fff;padding:8px\">" + html_escape(default_title(n, d)) + "</h2>\n";
  for (const auto& a : n.alerts) {
    const std::string status = alert_status(a, n.now);
    h += "<div style=\"border:1px solid #ddd;margin:8px 0;padding:8px\">\n<strong>[" + status + "] " +
         html_escape(label_value(a.labels, "alertname")) + "</strong><br>\n";
    h += "<table>\n";
    for (const auto& [k, v] : a.annotations) {
      if (k == "runbook_url") {
        h += "<tr><td>" + html_escape(k) + "</td><td><a href=\"" + html_escape(v) + "\">" + html_escape(v) + "</a></td></tr>\n";
      } else {
        h += "<tr><td>" + html_escape(k) + "</td><td>" + html_escape(v) + "</td></tr>\n";
      }
    }
    for (const auto& [k, v] : a.labels) h += "<tr><td>" + html_escape(k) + "</td><td><code>" + html_escape(v) + "</code></td></tr>\n";
    h += "<tr><td>started</td><td>" + format_rfc3339(a.starts_at) + "</td></tr>\n";
    if (a.resolved_at(n.now)) h += "<tr><td>ended</td><td>" + format_rfc3339(a.ends_at) + "</td></tr>\n";
    h += "</table>\n";
    if (!a.generator_url.empty()) h += "<a href=\"" + html_escape(a.generator_url) + "\">Source</a>\n";
    h += "</div>\n";
  }
  h += "<p>Sent by <a href=\"" + html_escape(n.external_url) + "\">alertd</a></p>\n</body></html>\n";
  return h;
}

// Email bodies must use CRLF line endings and never a bare "." line handled by curl; curl dot-stuffs.
std::string crlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 20);
  for (const char c : s) {
    if (c == '\n') out += "\r\n";
    else out += c;
  }
  return out;
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_cb(char* buffer, std::size_t size, std::size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  const std::size_t room = size * nitems;
  const std::size_t left = up->data->size() - up->offset;
  const std::size_t n = left < room ? left : room;
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

std::string email_subject(const Notification& n) {
  const TemplateData d = template_data(n);
  std::string subject = default_title(n, d);
  // The title names the severity when every alert shares it; otherwise the highest one is added.
  const std::string severity = highest_severity(n);
  if (!severity.empty() && label_value(d.common_labels, "severity").empty()) subject += " [" + severity + "]";
  return q_encode_header(header_safe(subject));
}

std::string email_message(const Notification& n, const EmailConfig& config, std::int64_t date_unix_s) {
  const TemplateData d = template_data(n);
  const std::string boundary = "alertd-" + fingerprint_hex(fingerprint(n.group_labels)) + "-" + std::to_string(n.now);
  char date[64];
  const auto tt = static_cast<std::time_t>(date_unix_s);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string to;
  for (const auto& r : config.to) {
    if (!to.empty()) to += ", ";
    to += r;
  }
  std::string m;
  m += "Date: " + std::string(date) + "\n";
  m += "From: " + header_safe(config.from) + "\n";
  m += "To: " + header_safe(to) + "\n";
  m += "Subject: " + email_subject(n) + "\n";
  m += "Message-Id: <" + std::to_string(n.now) + "." + fingerprint_hex(fingerprint(n.group_labels)) + "@alertd>\n";
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n";
  m += "--" + boundary + "\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n";
  m += plain_body(n, d);
  m += "\n--" + boundary + "\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n";
  m += html_body(n, d);
  m += "\n--" + boundary + "--\n";
  return crlf(m);
}

EmailNotifier::EmailNotifier(EmailConfig config) : config_(std::move(config)) {}

DeliveryResult EmailNotifier::notify(const Notification& n) {
  const std::string message = email_message(n, config_, std::time(nullptr));
  CURL* curl = curl_easy_init();
  if (!curl) return DeliveryResult::failure(true, "other", "curl_easy_init failed");
  Upload up{&message};
  curl_slist* rcpt = nullptr;
  for (const auto& r : config_.to) rcpt = curl_slist_append(rcpt, r.c_str());
  const std::string url = "smtp://" + config_.smarthost + "/" + config_.hello;
  const std::string from = "<" + config_.from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(config_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (!config_.auth_username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.auth_username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.auth_password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long smtp_code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp_code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return DeliveryResult::ok();
  const std::string detail = std::string(curl_easy_strerror(rc)) + " (smtp " + std::to_string(smtp_code) + ")";
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return DeliveryResult::failure(true, "timeout", detail);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING: return DeliveryResult::failure(true, "connect", detail);
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED: return DeliveryResult::failure(false, "clientError", detail);
    default: break;
  }
  if (smtp_code >= 500) return DeliveryResult::failure(false, "clientError", detail);
  if (smtp_code >= 400) return DeliveryResult::failure(true, "serverError", detail);
  return DeliveryResult::failure(true, "other", detail);
}

}  // namespace twikit::notify
