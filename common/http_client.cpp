#include "common/http_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <curl/curl.h>

namespace twikit {
namespace {

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  bool too_large = false;
  std::chrono::steady_clock::time_point started;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const std::size_t limit = t->request->max_body_bytes;
  if (limit != 0 && t->response->body.size() + n > limit) {
    t->too_large = true;
    return 0;  // aborts the transfer: the rest of an oversized body is never read
  }
  t->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

void start(Transfer& t, CURLM* multi) {
  t.easy = curl_easy_init();
  const HttpRequest& r = *t.request;
  curl_easy_setopt(t.easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(t.easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(t.easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(t.easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(t.easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(t.easy, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when the server offers it
  if (r.max_body_bytes != 0) {
    // Rejects at once when Content-Length already says too much.
    curl_easy_setopt(t.easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_body_bytes));
  }
  if (r.method == "GET") {
    curl_easy_setopt(t.easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(t.easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
  }
  for (const auto& [name, value] : r.headers) {
    t.headers = curl_slist_append(t.headers, (name + ": " + value).c_str());
  }
  if (t.request->body.size() > 1024) t.headers = curl_slist_append(t.headers, "Expect:");
  if (t.headers) curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
  t.started = std::chrono::steady_clock::now();
  curl_multi_add_handle(multi, t.easy);
}

void finish(Transfer& t, CURLM* multi, CURLcode code) {
  HttpResponse& resp = *t.response;
  resp.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  resp.status = static_cast<int>(status);
  if (code != CURLE_OK) {
    resp.error_message = curl_easy_strerror(code);
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) resp.error = HttpError::too_large;
    else if (code == CURLE_OPERATION_TIMEDOUT) resp.error = HttpError::timeout;
    else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) resp.error = HttpError::connect;
    else resp.error = HttpError::other;
    resp.body.clear();
  }
  curl_multi_remove_handle(multi, t.easy);
  curl_easy_cleanup(t.easy);
  curl_slist_free_all(t.headers);
  t.easy = nullptr;
  t.headers = nullptr;
}

}  // namespace

const char* http_error_name(HttpError error) {
  switch (error) {
    case HttpError::none: return "none";
    case HttpError::timeout: return "timeout";
    case HttpError::connect: return "connect";
    case HttpError::too_large: return "too_large";
    case HttpError::other: return "other";
  }
  return "other";
}

const std::string* HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

CurlHttpClient::CurlHttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse CurlHttpClient::send(const HttpRequest& request) {
  return std::move(send_all({request}, 1).front());
}

namespace {

// libcurl's multi loop visits every transfer it holds on each wake-up (curl_multi_perform, and the poll
// set curl_multi_poll builds), so one loop costs O(n²) for n transfers in flight: at 1,000 it spent a
// quarter of a second of CPU per collection and delayed every answer. Beyond this many transfers in flight,
// the batch is split over several loops on their own threads.
constexpr std::size_t kTransfersPerLoop = 128;

// Runs requests [begin, end) through one multi loop with at most `max_concurrency` in flight, handing each
// finished response to `on_done` when there is one.
void run_loop(const std::vector<HttpRequest>& requests, std::vector<HttpResponse>& responses, std::size_t begin,
              std::size_t end, std::size_t max_concurrency, const HttpResponseHandler& on_done) {
  std::vector<Transfer> transfers(end - begin);
  CURLM* multi = curl_multi_init();
  std::size_t next = begin;
  std::size_t in_flight = 0;
  auto fill = [&] {
    while (in_flight < max_concurrency && next < end) {
      Transfer& t = transfers[next - begin];
      t.request = &requests[next];
      t.response = &responses[next];
      start(t, multi);
      ++next;
      ++in_flight;
    }
  };
  fill();
  while (in_flight > 0) {
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      char* priv = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      if (auto* t = reinterpret_cast<Transfer*>(priv)) {
        finish(*t, multi, msg->data.result);
        --in_flight;
        if (on_done) on_done(static_cast<std::size_t>(t->request - requests.data()), *t->response);
      }
    }
    fill();
    if (in_flight > 0) curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  }
  curl_multi_cleanup(multi);
}

}  // namespace

std::vector<HttpResponse> CurlHttpClient::send_all(const std::vector<HttpRequest>& requests,
                                                   std::size_t max_concurrency) {
  return send_each(requests, max_concurrency, nullptr);
}

std::vector<HttpResponse> CurlHttpClient::send_each(const std::vector<HttpRequest>& requests,
                                                    std::size_t max_concurrency, const HttpResponseHandler& on_done) {
  std::vector<HttpResponse> responses(requests.size());
  max_concurrency = std::max<std::size_t>(1, max_concurrency);
  const std::size_t parallel = std::min(requests.size(), max_concurrency);
  const std::size_t loops = std::max<std::size_t>(1, (parallel + kTransfersPerLoop - 1) / kTransfersPerLoop);
  if (loops == 1) {
    run_loop(requests, responses, 0, requests.size(), max_concurrency, on_done);
    return responses;
  }
  // Contiguous slices, the concurrency cap shared between them (their sum never exceeds it).
  std::vector<std::thread> threads;
  threads.reserve(loops);
  for (std::size_t l = 0; l < loops; ++l) {
    const std::size_t begin = requests.size() * l / loops;
    const std::size_t end = requests.size() * (l + 1) / loops;
    const std::size_t concurrency = std::max<std::size_t>(1, max_concurrency / loops);
    threads.emplace_back(
        [&, begin, end, concurrency] { run_loop(requests, responses, begin, end, concurrency, on_done); });
  }
  for (auto& t : threads) t.join();
  return responses;
}

}  // namespace twikit
