#include "alertd/notify/email.h"

#include <algorithm>
#include <cstring>
#include <ctime>

#include <curl/curl.h>

#include "alertd/notify/template_render.h"

namespace twikit::notify {

namespace {

constexpr const char* kDefaultSubject = R"({{ template "email.default.subject" . }})";

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
  NotificationTemplater t(nullptr, n, "email");
  return q_encode_header(header_safe(t.text("headers Subject", kDefaultSubject)));
}

std::string email_message(const Notification& n, const EmailConfig& config, std::int64_t date_unix_s) {
  // Headers and both parts are templates (defaults: email.default.subject, .text and .html); the HTML part
  // escapes what its actions print, as Alertmanager's html/template does.
  NotificationTemplater t(config.templates, n, "email");
  auto header = [&](const std::string& name, const std::string& fallback) {
    const auto it = config.headers.find(name);
    return header_safe(t.text("headers " + name, it == config.headers.end() ? fallback : it->second));
  };
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
  m += "From: " + header("From", config.from) + "\n";
  m += "To: " + header("To", to) + "\n";
  m += "Subject: " + q_encode_header(header("Subject", kDefaultSubject)) + "\n";
  for (const auto& [name, value] : config.headers) {
    if (name == "From" || name == "To" || name == "Subject") continue;
    m += name + ": " + q_encode_header(header(name, value)) + "\n";
  }
  m += "Message-Id: <" + std::to_string(n.now) + "." + fingerprint_hex(fingerprint(n.group_labels)) + "@alertd>\n";
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n";
  if (const std::string text = t.text("text", config.text); !text.empty()) {
    m += "--" + boundary + "\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n";
    m += text + "\n";
  }
  if (const std::string html = t.html("html", config.html); !html.empty()) {
    m += "--" + boundary + "\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n";
    m += html + "\n";
  }
  m += "--" + boundary + "--\n";
  return crlf(m);
}

EmailNotifier::EmailNotifier(EmailConfig config) : config_(std::move(config)) {}

DeliveryResult EmailNotifier::notify(const Notification& n) {
  std::string password;
  try {
    password = resolve(config_.auth_password);  // auth_password_file is read at each send, as Alertmanager does
  } catch (const SecretFileError& e) {
    return DeliveryResult::failure(true, "other", e.what());
  }
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
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
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
