#include "exporter/collector.h"

#include <malloc.h>

#include <algorithm>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "common/duration.h"
#include "common/exposition.h"
#include "common/logging.h"
#include "exporter/document_reader.h"
#include "exporter/json_mapper.h"
#include "exporter/service_report.h"
#include "exporter/work_pool.h"

namespace twikit::exporter {
namespace {

// Threads that read and map answers while the others arrive (at most, and at most one per core).
constexpr std::size_t kMaxMappingThreads = 4;

// "host:port" of `url`, without any user information, for messages.
std::string authority_of(const std::string& url) {
  std::size_t begin = url.find("://");
  begin = begin == std::string::npos ? 0 : begin + 3;
  std::string authority = url.substr(begin, url.find_first_of("/?#", begin) - begin);
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return authority;
}

// The reason label and the /health phrase for a response that brought no body to read.
std::pair<const char*, std::string> describe_failure(const HttpResponse& r, const HttpRequest& request) {
  switch (r.error) {
    case HttpError::timeout:
      return {"timeout", "no complete response within " + format_duration_ms(request.timeout.count())};
    case HttpError::connect: return {"connect", "could not connect to " + authority_of(request.url)};
    case HttpError::too_large:
      return {"too_large", "response larger than " + std::to_string(request.max_body_bytes) + " bytes"};
    case HttpError::other: return {"other", "request to " + authority_of(request.url) + " failed: " + r.error_message};
    case HttpError::none: break;
  }
  return {"http_status", "HTTP status " + std::to_string(r.status)};
}

// What one target's answer gave, worked out as soon as it arrived (on a worker thread), and applied to the
// target's status and the families in target order afterwards.
struct TargetOutcome {
  std::string reason;  // empty: up
  std::string error;
  std::vector<std::string> mapping_errors;
  std::vector<MappedSample> samples;
  std::optional<ServiceReport> report;
};

// Appends the messages of `more` that `into` does not hold yet, keeping at most kMaxMappingErrorsKept.
void add_distinct(std::vector<std::string>& into, std::vector<std::string>& more) {
  for (auto& message : more) {
    if (into.size() >= kMaxMappingErrorsKept) return;
    if (std::find(into.begin(), into.end(), message) == into.end()) into.push_back(std::move(message));
  }
}

// Reads, checks and maps one answer. Pure apart from its arguments; never throws.
TargetOutcome read_answer(HttpResponse& resp, const HttpRequest& request, const std::vector<const MetricSpec*>& specs,
                          const std::string& target) noexcept {
  TargetOutcome out;
  try {
    if (!resp.transport_ok() || resp.status < 200 || resp.status > 299) {
      std::tie(out.reason, out.error) = describe_failure(resp, request);
      return out;
    }
    DocumentRead read = read_document(std::move(resp.body));
    if (!read.ok()) {
      out.reason = std::move(read.reason);
      out.error = std::move(read.error);
      return out;
    }
    // A wrong field costs its own metric; the target stays up with what could be read.
    MappingResult mapped = map_document(read.document, specs, target);
    out.report = read_service_report(read.document, mapped.errors);
    out.samples = std::move(mapped.samples);
    add_distinct(out.mapping_errors, read.repairs);
    add_distinct(out.mapping_errors, mapped.errors);
  } catch (const std::exception& e) {
    // Reading is written not to throw; should it, this target fails and the others are unaffected.
    out = TargetOutcome{};
    out.reason = "mapping";
    out.error = std::string("document could not be read: ") + e.what();
  } catch (...) {
    out = TargetOutcome{};
    out.reason = "mapping";
    out.error = "document could not be read";
  }
  return out;
}

// Accumulates samples into families in a stable order, dropping repeated label sets. Repeats are found
// through a hash of each sample's labels pointing back at the sample, not through a copy of the labels.
class FamilyBuilder {
 public:
  void add(const std::string& name, const std::string& help, MetricType type, Labels labels, double value) {
    auto [it, inserted] = index_.emplace(name, families_.size());
    if (inserted) {
      families_.push_back(MetricFamily{name, help, type, {}});
      seen_.emplace_back();
    }
    MetricFamily& f = families_[it->second];
    auto& seen = seen_[it->second];
    const std::size_t hash = hash_labels(labels);
    for (auto [at, end] = seen.equal_range(hash); at != end; ++at) {
      if (f.samples[at->second].labels == labels) {
        ++duplicates_;
        return;
      }
    }
    seen.emplace(hash, f.samples.size());
    f.samples.push_back(MetricSample{std::move(labels), value, {}, {}});
  }
  // Moves the families out and frees the duplicate index, which rendering does not need.
  std::vector<MetricFamily> take_families() {
    seen_ = {};
    index_ = {};
    return std::move(families_);
  }
  std::uint64_t duplicates() const { return duplicates_; }

 private:
  static std::size_t hash_labels(const Labels& labels) {
    std::size_t h = labels.size();
    for (const auto& [name, value] : labels) {
      for (const std::string* s : {&name, &value}) {
        h ^= std::hash<std::string>{}(*s) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      }
    }
    return h;
  }

  std::vector<MetricFamily> families_;
  std::vector<std::unordered_multimap<std::size_t, std::size_t>> seen_;  // per family: label hash → sample
  std::unordered_map<std::string, std::size_t> index_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace

void Snapshot::set_families(std::vector<MetricFamily> families) {
  std::lock_guard lock(compact_mu_);
  families_ = std::move(families);
  compacted_ = false;
}

void Snapshot::compact() const {
  std::lock_guard lock(compact_mu_);
  if (compacted_) return;
  compacted_ = true;
  std::string text;
  for (const auto& f : families_) {
    text.clear();
    write_family(text, f, ExpositionFormat::text);
    // The header lines (HELP when there is help, TYPE) are rendered per format later; keep the samples.
    std::size_t at = 0;
    for (int lines = f.help.empty() ? 1 : 2; lines > 0; --lines) at = text.find('\n', at) + 1;
    FamilyHead head{MetricFamily{f.name, f.help, f.type, {}}, sample_lines_.size(), 0};
    sample_lines_.append(text, at);
    head.end = sample_lines_.size();
    heads_.push_back(std::move(head));
  }
  sample_lines_.shrink_to_fit();
  families_ = {};
  malloc_trim(0);  // the families' small blocks are free now: give their pages back, as after a collection
}

const GzipPrefix& Snapshot::gzip(ExpositionFormat format) const {
  const int i = format == ExpositionFormat::openmetrics ? 1 : 0;
  std::call_once(gzip_once_[i], [&] {
    compact();
    // zlib's fastest level: the body is compressed on the first scrape's path. At 1,000 targets (2.2 MB of
    // OpenMetrics) level 1 sends 185 KB where zlib's default sent 153 KB; zlib on a like 2.9 MB body here
    // took 14 ms at level 1 and 38 ms at its default.
    GzipPrefixWriter writer(1);
    std::string header;
    for (const auto& h : heads_) {
      header.clear();
      write_family(header, h.header, format);
      writer.append(header);
      writer.append(std::string_view(sample_lines_).substr(h.begin, h.end - h.begin));
    }
    gzip_[i] = writer.finish();
  });
  return gzip_[i];
}

const std::string& Snapshot::plain(ExpositionFormat format) const {
  const int i = format == ExpositionFormat::openmetrics ? 1 : 0;
  std::call_once(plain_once_[i], [&] {
    compact();
    std::string body;
    body.reserve(sample_lines_.size() + heads_.size() * 200);
    for (const auto& h : heads_) {
      write_family(body, h.header, format);
      body.append(sample_lines_, h.begin, h.end - h.begin);
    }
    body.shrink_to_fit();
    plain_[i] = std::move(body);
  });
  return plain_[i];
}

Collector::Collector(std::shared_ptr<const ExporterConfig> config, HttpClient& http, const Clock& clock)
    : config_(std::move(config)), http_(http), clock_(clock) {
  for (const auto& target : config_->targets) {
    std::vector<const MetricSpec*> specs;
    for (const auto& m : config_->common_metrics) specs.push_back(&m);
    if (auto it = config_->services.find(target.service); it != config_->services.end()) {
      for (const auto& m : it->second) specs.push_back(&m);
    }
    specs_.push_back(std::move(specs));
    TargetStatus status;
    status.name = target.name;
    status.service = target.service;
    for (const char* reason : kErrorReasons) status.errors_by_reason[reason] = 0;
    totals_.emplace(target.name, std::move(status));
  }
}

void Collector::carry_over_from(const Collector& old) {
  std::scoped_lock lock(mu_, old.mu_);
  for (auto& [name, status] : totals_) {
    if (auto it = old.totals_.find(name); it != old.totals_.end()) status = it->second;
  }
  duplicates_dropped_total_ = old.duplicates_dropped_total_;
}

std::shared_ptr<const Snapshot> Collector::collect(std::optional<std::chrono::milliseconds> timeout_cap) {
  const auto& targets = config_->targets;
  const std::int64_t started_ns = clock_.monotonic_ns();
  std::vector<HttpRequest> requests;
  requests.reserve(targets.size());
  for (const auto& t : targets) {
    HttpRequest r;
    r.url = t.url;
    r.headers = t.headers;
    r.headers.emplace_back("Accept", "application/json");
    r.timeout = std::chrono::milliseconds(t.timeout_ms);
    if (timeout_cap) r.timeout = std::min(r.timeout, std::max(*timeout_cap, std::chrono::milliseconds(1)));
    r.max_body_bytes = config_->collection.max_body_bytes;
    requests.push_back(std::move(r));
  }
  // Each answer is read and mapped on a worker as soon as it arrives, while slower targets are still
  // answering; what remains after the last answer is applying the outcomes in target order.
  std::vector<TargetOutcome> outcomes(targets.size());
  std::vector<HttpResponse> responses;
  {
    const std::size_t workers =
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxMappingThreads);
    WorkPool pool(std::min(workers, std::max<std::size_t>(targets.size(), 1)));
    // The handlers and jobs refer to `responses`' elements: the vector the client returns is the one they
    // were written in (moved, not copied), and it outlives the jobs.
    responses = http_.send_each(requests, config_->collection.max_concurrent_collections,
                    [&](std::size_t i, HttpResponse& resp) {
                      HttpResponse* answer = &resp;
                      pool.submit([&, i, answer] {
                        outcomes[i] = read_answer(*answer, requests[i], specs_[i], targets[i].name);
                      });
                    });
    pool.wait();
  }
  const TimestampMs now = clock_.now_ms();
  auto log = logger("collector");

  FamilyBuilder service_metrics;
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->collected_at_ms = now;
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& target = targets[i];
    TargetOutcome& outcome = outcomes[i];
    TargetStatus& status = totals_[target.name];
    ++status.collections;
    status.scrape_duration_seconds = responses[i].duration_seconds;
    std::string& reason = outcome.reason;
    std::string& error = outcome.error;
    std::vector<std::string>& mapping_errors = outcome.mapping_errors;
    if (reason.empty()) {
      for (auto& s : outcome.samples) {
        service_metrics.add(s.spec->name, s.spec->help,
                            s.spec->type == "counter" ? MetricType::counter : MetricType::gauge,
                            std::move(s.labels), s.value);
      }
      if (outcome.report) {
        status.status = std::move(outcome.report->status);
        status.response_time_seconds = outcome.report->response_time_seconds;
        status.error_ratio = outcome.report->error_ratio;
        status.dependencies = std::move(outcome.report->dependencies);
      }
      if (!mapping_errors.empty()) {
        // The target answered; what could be read is served, and the gap is counted and logged.
        ++status.errors_by_reason["mapping"];
        log->warn("mapping failed target={} errors={} first={}", target.name, mapping_errors.size(),
                  logfmt_value(mapping_errors.front()));
      }
      status.up = true;
      status.last_success_ms = now;
      status.consecutive_failures = 0;
      status.last_error.clear();
      status.mapping_errors = std::move(mapping_errors);
    } else {
      ++status.errors_by_reason[reason];
      status.up = false;
      ++status.consecutive_failures;
      status.last_error = error;
      status.mapping_errors.clear();
      log->warn("collection failed target={} reason={} err={}", target.name, reason, logfmt_value(error));
    }
    snapshot->targets.push_back(status);
  }
  duplicates_dropped_total_ += service_metrics.duplicates();
  snapshot->duplicates_dropped = duplicates_dropped_total_;
  if (service_metrics.duplicates() > 0) {
    log->warn("dropped duplicate series count={}", service_metrics.duplicates());
  }

  // Per-target families first, then the mapped ones in configuration order.
  std::vector<MetricFamily> families(4);
  families[0] = {"twikit_up", "Whether the last collection from the service succeeded (1) or not (0).",
                 MetricType::gauge, {}};
  families[1] = {"twikit_scrape_duration_seconds", "How long the last collection from the service took.",
                 MetricType::gauge, {}};
  families[2] = {"twikit_scrape_errors_total", "Failed collections from the service, by reason.",
                 MetricType::counter, {}};
  families[3] = {"twikit_last_success_timestamp_seconds",
                 "Unix time of the last successful collection from the service.", MetricType::gauge, {}};
  for (const auto& st : snapshot->targets) {
    const Labels svc{{"service", st.name}};
    families[0].samples.push_back({svc, st.up ? 1.0 : 0.0, {}, {}});
    families[1].samples.push_back({svc, st.scrape_duration_seconds, {}, {}});
    for (const auto& [reason, count] : st.errors_by_reason) {
      families[2].samples.push_back({make_labels({{"reason", reason}, {"service", st.name}}),
                                     static_cast<double>(count), {}, {}});
    }
    if (st.last_success_ms) {
      families[3].samples.push_back({svc, static_cast<double>(*st.last_success_ms) / 1000.0, {}, {}});
    }
  }
  for (auto& f : service_metrics.take_families()) families.push_back(std::move(f));
  if (config_->collection.mode == CollectionMode::interval) {
    const std::string note = " (Collected every " + format_duration_ms(config_->collection.interval_ms) +
                             " in the background; see twikit_exporter_last_collection_timestamp_seconds.)";
    for (auto& f : families) f.help += note;
  }
  for (const auto& f : families) snapshot->series += f.samples.size();
  snapshot->set_families(std::move(families));
  snapshot->duration_seconds = static_cast<double>(clock_.monotonic_ns() - started_ns) / 1e9;
  return snapshot;
}

}  // namespace twikit::exporter
