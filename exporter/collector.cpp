#include "exporter/collector.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
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
#include "exporter/target_samples.h"
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
  RenderedSamples rendered;
  std::optional<ServiceReport> report;
};

// Appends the messages of `more` that `into` does not hold yet, keeping at most kMaxMappingErrorsKept.
void add_distinct(std::vector<std::string>& into, std::vector<std::string>& more) {
  for (auto& message : more) {
    if (into.size() >= kMaxMappingErrorsKept) return;
    if (std::find(into.begin(), into.end(), message) == into.end()) into.push_back(std::move(message));
  }
}

// Reads, checks, maps and renders one answer. Pure apart from its arguments; never throws.
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
    out.rendered = render_samples(std::move(mapped.samples));
    if (out.rendered.text.size() > kMaxSnapshotText) {
      // A snapshot addresses a target's lines with 32-bit offsets; only an absurd max_body_bytes gets here.
      out = TargetOutcome{};
      out.reason = "too_large";
      out.error = "samples rendered larger than " + std::to_string(kMaxSnapshotText) + " bytes";
      return out;
    }
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

// Appends one sample of the per-target families — `name{[reason="<reason>",]service="<target>"} <value>` —
// exactly as write_family renders it (labels sorted by name).
void append_target_sample(std::string& out, std::string_view name, const std::string* reason,
                          const std::string& target, double value) {
  out += name;
  out += '{';
  if (reason != nullptr) {
    out += "reason=\"";
    append_escaped_label_value(out, *reason);
    out += "\",";
  }
  out += "service=\"";
  append_escaped_label_value(out, target);
  out += "\"} ";
  append_double(out, value);
  out += '\n';
}

}  // namespace

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

  auto snapshot = std::make_shared<Snapshot>();
  snapshot->collected_at_ms = now;
  // The mapped families in the order their first sample came, target by target, each with its targets'
  // rendered lines in target order; the texts move into the snapshot as they are, never copied.
  struct MappedFamily {
    MetricFamily header;
    std::vector<TextRange> lines;
  };
  std::vector<MappedFamily> mapped;
  std::unordered_map<std::string_view, std::size_t> by_name;
  // Targets of a service share their specs: most lookups are by the spec's address, not its name.
  std::unordered_map<const MetricSpec*, std::size_t> by_spec;
  auto family_of = [&](const MetricSpec& spec) {
    if (auto it = by_spec.find(&spec); it != by_spec.end()) return it->second;
    auto [it, inserted] = by_name.emplace(spec.name, mapped.size());
    if (inserted) {
      const MetricType type = spec.type == "counter" ? MetricType::counter : MetricType::gauge;
      mapped.push_back({MetricFamily{spec.name, spec.help, type, {}}, {}});
    }
    by_spec.emplace(&spec, it->second);
    return it->second;
  };
  std::uint64_t duplicates = 0;
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
      RenderedSamples& rendered = outcome.rendered;
      duplicates += rendered.duplicates;
      snapshot->series += rendered.series;
      if (!rendered.families.empty()) {
        const std::uint32_t text = snapshot->add_text(std::move(rendered.text));
        for (const FamilyLines& f : rendered.families) {
          mapped[family_of(*f.spec)].lines.push_back(
              {text, static_cast<std::uint32_t>(f.begin), static_cast<std::uint32_t>(f.end)});
        }
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
  duplicates_dropped_total_ += duplicates;
  snapshot->duplicates_dropped = duplicates_dropped_total_;
  if (duplicates > 0) log->warn("dropped duplicate series count={}", duplicates);

  // Per-target families first, then the mapped ones in the order their first sample came.
  MetricFamily heads[4] = {
      {"twikit_up", "Whether the last collection from the service succeeded (1) or not (0).", MetricType::gauge, {}},
      {"twikit_scrape_duration_seconds", "How long the last collection from the service took.", MetricType::gauge, {}},
      {"twikit_scrape_errors_total", "Failed collections from the service, by reason.", MetricType::counter, {}},
      {"twikit_last_success_timestamp_seconds", "Unix time of the last successful collection from the service.",
       MetricType::gauge, {}}};
  std::string lines[4];
  for (const auto& st : snapshot->targets) {
    append_target_sample(lines[0], heads[0].name, nullptr, st.name, st.up ? 1.0 : 0.0);
    append_target_sample(lines[1], heads[1].name, nullptr, st.name, st.scrape_duration_seconds);
    for (const auto& [reason, count] : st.errors_by_reason) {
      append_target_sample(lines[2], heads[2].name, &reason, st.name, static_cast<double>(count));
    }
    snapshot->series += 2 + st.errors_by_reason.size();
    if (st.last_success_ms) {
      append_target_sample(lines[3], heads[3].name, nullptr, st.name,
                           static_cast<double>(*st.last_success_ms) / 1000.0);
      ++snapshot->series;
    }
  }
  std::string note;
  if (config_->collection.mode == CollectionMode::interval) {
    note = " (Collected every " + format_duration_ms(config_->collection.interval_ms) +
           " in the background; see twikit_exporter_last_collection_timestamp_seconds.)";
  }
  for (int f = 0; f < 4; ++f) {
    const auto size = static_cast<std::uint32_t>(lines[f].size());
    const std::uint32_t text = snapshot->add_text(std::move(lines[f]));
    heads[f].help += note;
    snapshot->add_family(std::move(heads[f]), {{text, 0, size}});
  }
  for (auto& f : mapped) {
    f.header.help += note;
    snapshot->add_family(std::move(f.header), f.lines);
  }
  snapshot->duration_seconds = static_cast<double>(clock_.monotonic_ns() - started_ns) / 1e9;
  return snapshot;
}

}  // namespace twikit::exporter
