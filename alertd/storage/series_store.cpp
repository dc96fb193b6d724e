#include "alertd/storage/series_store.h"

#include <algorithm>
#include <iterator>
#include <cstring>
#include <limits>
#include <new>
#include <mutex>

namespace twikit::storage {
namespace {

// 120 samples is 30 min of 15 s scrapes; offsets from the chunk base are 32-bit, so one sample
// costs 12 bytes instead of 16.
constexpr std::uint32_t kChunkSize = 120;
// A new chunk has room for this many samples and doubles (up to kChunkSize) when full, so a young or
// sparse series does not hold a whole chunk: 112 bytes instead of 1,456 for its first samples.
constexpr std::uint32_t kFirstCapacity = 8;

// A chunk's header; its `cap` values and then its `cap` time offsets follow it in the same allocation.
struct Chunk {
  TimestampMs base = 0;
  std::uint32_t n = 0;
  std::uint32_t cap = 0;
  double* v() { return reinterpret_cast<double*>(this + 1); }
  const double* v() const { return reinterpret_cast<const double*>(this + 1); }
  std::uint32_t* dt() { return reinterpret_cast<std::uint32_t*>(v() + cap); }
  const std::uint32_t* dt() const { return reinterpret_cast<const std::uint32_t*>(v() + cap); }
  TimestampMs t(std::uint32_t i) const { return base + dt()[i]; }
  TimestampMs last_t() const { return t(n - 1); }
};
static_assert(sizeof(Chunk) % alignof(double) == 0);

struct ChunkDelete {
  void operator()(Chunk* c) const {
    c->~Chunk();
    ::operator delete(c);
  }
};
using ChunkPtr = std::unique_ptr<Chunk, ChunkDelete>;

// A chunk with room for `cap` samples holding the first `n` of `from` (if any).
ChunkPtr make_chunk(std::uint32_t cap, const Chunk* from = nullptr) {
  void* mem = ::operator new(sizeof(Chunk) + cap * (sizeof(double) + sizeof(std::uint32_t)));
  ChunkPtr c(new (mem) Chunk);
  c->cap = cap;
  if (from != nullptr) {
    c->base = from->base;
    c->n = from->n;
    std::memcpy(c->v(), from->v(), from->n * sizeof(double));
    std::memcpy(c->dt(), from->dt(), from->n * sizeof(std::uint32_t));
  }
  return c;
}

std::uint64_t mix(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
  h *= 0x100000001b3ULL;
  return h;
}

}  // namespace

void Queryable::visit(const std::vector<LabelMatcher>& matchers, TimestampMs mint, TimestampMs maxt,
                      const std::function<void(const SeriesCursor&)>& fn) const {
  class Cursor final : public SeriesCursor {
   public:
    explicit Cursor(const SeriesSamples& s) : s_(s) {}
    const std::shared_ptr<const Labels>& labels() const override { return s_.labels; }
    std::uint64_t hash() const override { return s_.hash; }
    Sample latest() const override { return s_.samples.back(); }
    void samples(std::vector<Sample>& out) const override { out.assign(s_.samples.begin(), s_.samples.end()); }

   private:
    const SeriesSamples& s_;
  };
  for (const auto& s : select(matchers, mint, maxt)) {
    if (!s.samples.empty()) fn(Cursor(s));
  }
}

std::uint64_t labels_hash(const Labels& labels) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [name, value] : labels) {
    h = mix(h, name);
    h = mix(h, value);
  }
  return h;
}

struct SeriesStore::Series {
  std::shared_ptr<const Labels> labels;
  std::uint64_t hash = 0;
  // Chunk time bounds live next to the pointers, so skipping old chunks touches no chunk memory.
  struct Slot {
    TimestampMs min_t = 0;
    TimestampMs max_t = 0;
    ChunkPtr c;
    Chunk& operator*() const { return *c; }
    Chunk* operator->() const { return c.get(); }
  };
  std::vector<Slot> chunks;
  double last_v = 0;            // the value of the newest sample (at chunks.back().max_t), read without the chunk
  std::uint32_t head_skip = 0;  // samples of chunks[0] already dropped by retention
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& c : chunks) n += c->n;
    return n - head_skip;
  }
  // The newest sample in [mint, maxt] into `out`; false when there is none.
  bool latest_in(TimestampMs mint, TimestampMs maxt, Sample& out) const;
  // Replaces `out` with the samples in [mint, maxt], ascending.
  void copy_range(TimestampMs mint, TimestampMs maxt, std::vector<Sample>& out) const;
};

bool SeriesStore::Series::latest_in(TimestampMs mint, TimestampMs maxt, Sample& out) const {
  // The usual case, an instant at or after the newest sample, touches no chunk memory.
  if (!chunks.empty() && chunks.back().max_t <= maxt) {
    if (chunks.back().max_t < mint) return false;
    out = {chunks.back().max_t, last_v};
    return true;
  }
  // Newest chunk first: the latest sample <= maxt, if it is >= mint.
  for (std::size_t ci = chunks.size(); ci-- > 0;) {
    const auto& slot = chunks[ci];
    if (slot.min_t > maxt) continue;
    if (slot.max_t < mint) return false;
    const Chunk& c = *slot;
    const std::uint32_t lo = ci == 0 ? head_skip : 0;
    const auto off = static_cast<std::uint64_t>(maxt - c.base);
    const std::uint32_t* end = maxt >= slot.max_t
                                   ? c.dt() + c.n
                                   : std::upper_bound(c.dt() + lo, c.dt() + c.n, off,
                                                      [](std::uint64_t o, std::uint32_t d) { return o < d; });
    if (end == c.dt() + lo) return false;
    const auto i = static_cast<std::uint32_t>(end - c.dt() - 1);
    if (c.t(i) < mint) return false;
    out = {c.t(i), c.v()[i]};
    return true;
  }
  return false;
}

void SeriesStore::Series::copy_range(TimestampMs mint, TimestampMs maxt, std::vector<Sample>& out) const {
  out.clear();
  // Two passes: find each chunk's [first, last) index range by binary search, then copy once.
  struct Span {
    const Chunk* c;
    std::uint32_t from, to;
  };
  Span spans[8];
  std::size_t nspans = 0, total = 0;
  std::vector<Span> more;
  for (std::size_t ci = 0; ci < chunks.size(); ++ci) {
    const auto& slot = chunks[ci];
    if (slot.max_t < mint) continue;
    if (slot.min_t > maxt) break;
    const Chunk& c = *slot;
    const std::uint32_t lo = ci == 0 ? head_skip : 0;
    const std::uint32_t* from = c.dt() + lo;
    if (mint > c.base) {
      const auto off = static_cast<std::uint64_t>(mint - c.base);
      from = std::lower_bound(from, c.dt() + c.n, off, [](std::uint32_t d, std::uint64_t o) { return d < o; });
    }
    const std::uint32_t* to = c.dt() + c.n;
    if (maxt < slot.max_t) {
      const auto off = static_cast<std::uint64_t>(maxt - c.base);
      to = std::upper_bound(from, to, off, [](std::uint64_t o, std::uint32_t d) { return o < d; });
    }
    const Span sp{&c, static_cast<std::uint32_t>(from - c.dt()), static_cast<std::uint32_t>(to - c.dt())};
    if (sp.to <= sp.from) continue;
    total += sp.to - sp.from;
    if (nspans < 8) spans[nspans++] = sp;
    else more.push_back(sp);
  }
  if (total == 0) return;
  out.reserve(total);
  auto copy = [&](const Span& sp) {
    for (std::uint32_t i = sp.from; i < sp.to; ++i) out.push_back({sp.c->t(i), sp.c->v()[i]});
  };
  for (std::size_t k = 0; k < nspans; ++k) copy(spans[k]);
  for (const auto& sp : more) copy(sp);
}

SeriesStore::SeriesStore() = default;
SeriesStore::~SeriesStore() = default;

SeriesRef SeriesStore::get_or_create_locked(const Labels& labels) {
  const std::uint64_t h = labels_hash(labels);
  auto [lo, hi] = by_hash_.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    if (*series_[it->second]->labels == labels) return it->second;
  }
  auto s = std::make_unique<Series>();
  s->labels = std::make_shared<const Labels>(labels);
  s->hash = h;
  const auto id = static_cast<std::uint32_t>(series_.size());
  series_.push_back(std::move(s));
  by_hash_.emplace(h, id);
  for (const auto& [name, value] : labels) postings_[name][value].push_back(id);
  return id;
}

SeriesRef SeriesStore::get_or_create(const Labels& labels) {
  std::unique_lock lock(mu_);
  return get_or_create_locked(labels);
}

std::shared_ptr<const Labels> SeriesStore::labels(SeriesRef ref) const {
  std::shared_lock lock(mu_);
  if (ref >= series_.size() || !series_[ref]) return nullptr;
  return series_[ref]->labels;
}

void SeriesStore::append_locked(Series& s, TimestampMs t, double v) {
  if (!s.chunks.empty()) {
    Chunk& last = *s.chunks.back();
    const TimestampMs last_t = last.last_t();
    if (t == last_t) {
      last.v()[last.n - 1] = v;
      s.last_v = v;
      return;
    }
    if (t < last_t) {
      // Out of order: rebuild the series with the sample inserted (rare; test loads and backfills).
      std::vector<Sample> all;
      all.reserve(s.size() + 1);
      for (std::size_t ci = 0; ci < s.chunks.size(); ++ci) {
        const Chunk& c = *s.chunks[ci];
        for (std::uint32_t i = ci == 0 ? s.head_skip : 0; i < c.n; ++i) all.push_back({c.t(i), c.v()[i]});
      }
      auto it = std::lower_bound(all.begin(), all.end(), t,
                                 [](const Sample& a, TimestampMs x) { return a.t < x; });
      if (it != all.end() && it->t == t) {
        it->v = v;
        return;
      }
      all.insert(it, Sample{t, v});
      num_samples_ -= all.size() - 1;
      s.chunks.clear();
      s.head_skip = 0;
      for (const auto& smp : all) append_locked(s, smp.t, smp.v);
      return;
    }
    if (last.n < kChunkSize &&
        t - last.base <= static_cast<TimestampMs>(std::numeric_limits<std::uint32_t>::max())) {
      if (last.n == last.cap) s.chunks.back().c = make_chunk(std::min(kChunkSize, last.cap * 2), &last);
      Chunk& room = *s.chunks.back();
      room.dt()[room.n] = static_cast<std::uint32_t>(t - room.base);
      room.v()[room.n] = v;
      ++room.n;
      s.chunks.back().max_t = t;
      s.last_v = v;
      ++num_samples_;
      return;
    }
  }
  auto c = make_chunk(kFirstCapacity);
  c->base = t;
  c->n = 1;
  c->dt()[0] = 0;
  c->v()[0] = v;
  s.chunks.push_back(Series::Slot{t, t, std::move(c)});
  s.last_v = v;
  ++num_samples_;
}

void SeriesStore::append(const Labels& labels, TimestampMs t, double v) {
  std::unique_lock lock(mu_);
  append_locked(*series_[get_or_create_locked(labels)], t, v);
}

void SeriesStore::append(SeriesRef ref, TimestampMs t, double v) {
  std::unique_lock lock(mu_);
  if (ref < series_.size() && series_[ref]) append_locked(*series_[ref], t, v);
}

bool SeriesStore::append_batch(const std::vector<RefSample>& samples, std::uint64_t generation) {
  std::unique_lock lock(mu_);
  if (generation != generation_) return false;
  for (const auto& s : samples) {
    if (s.ref < series_.size() && series_[s.ref]) append_locked(*series_[s.ref], s.t, s.v);
  }
  return true;
}

std::uint64_t SeriesStore::generation() const {
  std::shared_lock lock(mu_);
  return generation_;
}

void SeriesStore::mark_stale(const Labels& labels, TimestampMs t) {
  std::unique_lock lock(mu_);
  const std::uint64_t h = labels_hash(labels);
  auto [lo, hi] = by_hash_.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    Series& s = *series_[it->second];
    if (*s.labels == labels) {
      append_locked(s, t, stale_marker());
      return;
    }
  }
}

std::vector<std::uint32_t> SeriesStore::candidates_locked(
    const std::vector<LabelMatcher>& matchers) const {
  // Intersect the postings lists of all equality matchers, shortest first; other matchers filter later.
  std::vector<const std::vector<std::uint32_t>*> lists;
  for (const auto& m : matchers) {
    if (m.type() != MatchType::eq || m.value().empty()) continue;
    auto n = postings_.find(m.name());
    if (n == postings_.end()) return {};
    auto v = n->second.find(m.value());
    if (v == n->second.end()) return {};
    lists.push_back(&v->second);
  }
  if (!lists.empty()) {
    std::sort(lists.begin(), lists.end(), [](const auto* a, const auto* b) { return a->size() < b->size(); });
    std::vector<std::uint32_t> out = *lists[0];
    std::vector<std::uint32_t> tmp;
    for (std::size_t i = 1; i < lists.size() && !out.empty(); ++i) {
      tmp.clear();
      std::set_intersection(out.begin(), out.end(), lists[i]->begin(), lists[i]->end(), std::back_inserter(tmp));
      out.swap(tmp);
    }
    return out;
  }
  // A regex on the metric name: union of the matching names' postings.
  for (const auto& m : matchers) {
    if (m.name() != "__name__" || m.matches_empty()) continue;
    auto n = postings_.find(m.name());
    if (n == postings_.end()) return {};
    std::vector<std::uint32_t> out;
    for (const auto& [value, ids] : n->second) {
      if (m.matches(value)) out.insert(out.end(), ids.begin(), ids.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::uint32_t> all;
  all.reserve(series_.size());
  for (std::uint32_t i = 0; i < series_.size(); ++i) {
    if (series_[i]) all.push_back(i);
  }
  return all;
}

bool SeriesStore::matches_locked(const Series& s, const std::vector<LabelMatcher>& matchers) const {
  for (const auto& m : matchers) {
    if (m.type() == MatchType::eq && !m.value().empty()) continue;  // guaranteed by the postings
    if (!m.matches(label_value(*s.labels, m.name()))) return false;
  }
  return true;
}

std::vector<SeriesSamples> SeriesStore::select_latest(const std::vector<LabelMatcher>& matchers,
                                                      TimestampMs mint, TimestampMs maxt) const {
  std::shared_lock lock(mu_);
  std::vector<SeriesSamples> out;
  Sample latest;
  for (std::uint32_t id : candidates_locked(matchers)) {
    const Series* s = series_[id].get();
    if (s == nullptr || !matches_locked(*s, matchers) || !s->latest_in(mint, maxt, latest)) continue;
    SeriesSamples r;
    r.labels = s->labels;
    r.hash = s->hash;
    r.samples.push_back(latest);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SeriesSamples> SeriesStore::select(const std::vector<LabelMatcher>& matchers,
                                               TimestampMs mint, TimestampMs maxt) const {
  std::shared_lock lock(mu_);
  std::vector<SeriesSamples> out;
  for (std::uint32_t id : candidates_locked(matchers)) {
    const Series* s = series_[id].get();
    if (s == nullptr || !matches_locked(*s, matchers)) continue;
    SeriesSamples r;
    s->copy_range(mint, maxt, r.samples);
    if (r.samples.empty()) continue;
    r.labels = s->labels;
    r.hash = s->hash;
    out.push_back(std::move(r));
  }
  return out;
}

void SeriesStore::visit(const std::vector<LabelMatcher>& matchers, TimestampMs mint, TimestampMs maxt,
                        const std::function<void(const SeriesCursor&)>& fn) const {
  // One cursor, pointed at each series in turn: nothing is copied unless the callback asks for samples.
  class Cursor final : public SeriesCursor {
   public:
    Cursor(TimestampMs mint, TimestampMs maxt) : mint_(mint), maxt_(maxt) {}
    bool point_at(const Series& s) {
      s_ = &s;
      return s.latest_in(mint_, maxt_, latest_);
    }
    const std::shared_ptr<const Labels>& labels() const override { return s_->labels; }
    std::uint64_t hash() const override { return s_->hash; }
    Sample latest() const override { return latest_; }
    void samples(std::vector<Sample>& out) const override { s_->copy_range(mint_, maxt_, out); }

   private:
    TimestampMs mint_, maxt_;
    const Series* s_ = nullptr;
    Sample latest_;
  };
  std::shared_lock lock(mu_);
  Cursor cursor(mint, maxt);
  for (std::uint32_t id : candidates_locked(matchers)) {
    const Series* s = series_[id].get();
    if (s == nullptr || !matches_locked(*s, matchers) || !cursor.point_at(*s)) continue;
    fn(cursor);
  }
}

void SeriesStore::rebuild_index_locked() {
  std::vector<std::unique_ptr<Series>> kept;
  kept.reserve(series_.size());
  for (auto& s : series_) {
    if (s) kept.push_back(std::move(s));
  }
  series_ = std::move(kept);
  by_hash_.clear();
  postings_.clear();
  for (std::uint32_t id = 0; id < series_.size(); ++id) {
    by_hash_.emplace(series_[id]->hash, id);
    for (const auto& [name, value] : *series_[id]->labels) postings_[name][value].push_back(id);
  }
}

std::size_t SeriesStore::drop_before(TimestampMs t) {
  std::unique_lock lock(mu_);
  std::size_t removed = 0;
  for (auto& sp : series_) {
    if (!sp) continue;
    Series& s = *sp;
    while (!s.chunks.empty() && s.chunks.front().max_t < t) {
      num_samples_ -= s.chunks.front()->n - s.head_skip;
      s.chunks.erase(s.chunks.begin());
      s.head_skip = 0;
    }
    if (!s.chunks.empty()) {
      const Chunk& c = *s.chunks.front();
      while (s.head_skip < c.n && c.t(s.head_skip) < t) {
        ++s.head_skip;
        --num_samples_;
      }
      s.chunks.front().min_t = c.t(s.head_skip);
    }
    if (s.chunks.empty()) {
      sp.reset();
      ++removed;
    }
  }
  if (removed > 0) {
    rebuild_index_locked();
    ++generation_;
  }
  return removed;
}

void SeriesStore::clear() {
  std::unique_lock lock(mu_);
  series_.clear();
  by_hash_.clear();
  postings_.clear();
  num_samples_ = 0;
  ++generation_;
}

std::size_t SeriesStore::num_series() const {
  std::shared_lock lock(mu_);
  return series_.size();
}

std::size_t SeriesStore::num_samples() const {
  std::shared_lock lock(mu_);
  return num_samples_;
}

}  // namespace twikit::storage
