#include "common/regex.h"

#include <re2/re2.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <unordered_map>

namespace twikit {

struct Regex::Compiled {
  std::string pattern;  // as given
  RegexAnchor anchor = RegexAnchor::none;
  re2::RE2 re;
  std::size_t groups = 0;
  std::vector<std::string> group_names;  // index = group number; "" for unnamed groups
  std::size_t bytes = 0;                 // the cache's estimate

  Compiled(std::string p, RegexAnchor a, const std::string& full, const re2::RE2::Options& o)
      : pattern(std::move(p)), anchor(a), re(full, o) {}
};

namespace {

re2::RE2::Options options() {
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_max_mem(kRegexMaxMem);
  return o;
}

std::string wrap(std::string_view pattern, RegexAnchor anchor) {
  switch (anchor) {
    case RegexAnchor::promql: return "^(?s:" + std::string(pattern) + ")$";
    case RegexAnchor::alertmanager: return "^(?:" + std::string(pattern) + ")$";
    case RegexAnchor::none: break;
  }
  return std::string(pattern);
}

[[noreturn]] void throw_error(const re2::RE2& re) {
  // RE2's error() already reads "<reason>: <arg>"; quote the argument the way Go's errors do.
  std::string reason = re.error();
  const std::string& arg = re.error_arg();
  const bool ends_with_arg = !arg.empty() && reason.size() > arg.size() + 2 &&
                             reason.compare(reason.size() - arg.size(), arg.size(), arg) == 0;
  if (ends_with_arg) reason.resize(reason.size() - arg.size() - 2);
  if (re.error_code() == re2::RE2::ErrorPatternTooLarge) {
    throw RegexError("pattern too large - compile failed (its program exceeds the " +
                     std::to_string(kRegexMaxMem >> 20) + " MiB regex memory budget)");
  }
  throw RegexError(arg.empty() ? reason : reason + ": `" + arg + "`");
}

std::shared_ptr<Regex::Compiled> build(std::string_view pattern, RegexAnchor anchor) {
  const re2::RE2::Options o = options();
  if (anchor != RegexAnchor::none) {
    // Compile the pattern alone first: wrapped, "a)|(b" would compile to a different regex.
    re2::RE2 alone(re2::StringPiece(pattern.data(), pattern.size()), o);
    if (!alone.ok()) throw_error(alone);
  }
  auto c = std::make_shared<Regex::Compiled>(std::string(pattern), anchor, wrap(pattern, anchor), o);
  if (!c->re.ok()) throw_error(c->re);
  c->groups = static_cast<std::size_t>(c->re.NumberOfCapturingGroups());
  c->group_names.assign(c->groups + 1, std::string());
  for (const auto& [name, index] : c->re.NamedCapturingGroups()) {
    const auto i = static_cast<std::size_t>(index);
    if (index >= 0 && i <= c->groups) c->group_names[i] = name;
  }
  c->bytes = regex_estimated_bytes(c->pattern.size(), static_cast<std::size_t>(c->re.ProgramSize()));
  return c;
}

// The process-wide cache: least recently used first out, bounded by estimated bytes.
class Cache {
 public:
  std::shared_ptr<const Regex::Compiled> get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  std::shared_ptr<const Regex::Compiled> put(const std::string& key, std::shared_ptr<const Regex::Compiled> c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) return it->second->second;  // another thread won
    if (c->bytes > capacity_) return c;                                              // never fits: not cached
    lru_.emplace_front(key, c);
    index_.emplace(key, lru_.begin());
    bytes_ += c->bytes;
    evict_locked();
    return c;
  }

  RegexCacheStats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {lru_.size(), bytes_, capacity_, hits_, misses_, evictions_};
  }

  void set_capacity(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    capacity_ = bytes;
    evict_locked();
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    index_.clear();
    lru_.clear();
    bytes_ = 0;
  }

 private:
  void evict_locked() {
    while (bytes_ > capacity_ && !lru_.empty()) {
      bytes_ -= lru_.back().second->bytes;
      index_.erase(lru_.back().first);
      lru_.pop_back();
      ++evictions_;
    }
  }

  using Entry = std::pair<std::string, std::shared_ptr<const Regex::Compiled>>;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
  std::size_t capacity_ = kRegexCacheDefaultBytes;
  std::uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: regexes may be compiled during static destruction
  return *c;
}

re2::StringPiece piece(std::string_view s) {
  static const char kEmpty[] = "";
  return s.data() == nullptr ? re2::StringPiece(kEmpty, 0) : re2::StringPiece(s.data(), s.size());
}

// Whether the rune starting at s[i] counts as a letter or digit in a Go template group name
// (unicode.IsLetter/IsDigit). Non-ASCII runes are judged by block: the letter-bearing ranges of the
// Latin, Greek, Cyrillic, Hebrew, Arabic and CJK scripts count; punctuation and symbols do not.
std::size_t name_rune_width(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') return 1;
  std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  char32_t r = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    r = (r << 6) | (b & 0x3F);
  }
  // Letter and digit blocks (with their few punctuation and symbol code points left out).
  static constexpr std::pair<char32_t, char32_t> kRanges[] = {
      {0xC0, 0xD6},     {0xD8, 0xF6},     {0xF8, 0x24F},    {0x370, 0x37D},   {0x37F, 0x386},
      {0x388, 0x3FF},   {0x400, 0x481},   {0x48A, 0x52F},   {0x5D0, 0x5EA},   {0x620, 0x64A},
      {0x660, 0x669},   {0x3041, 0x30FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFF10, 0xFF19},
      {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}};
  const bool letter = std::any_of(std::begin(kRanges), std::end(kRanges),
                                  [r](const auto& range) { return r >= range.first && r <= range.second; });
  return letter ? n : 0;
}

// The byte length of the UTF-8 sequence at s[i] (1 for an invalid byte), as Go's DecodeRuneInString.
std::size_t rune_width(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

}  // namespace

std::size_t regex_estimated_bytes(std::size_t pattern_size, std::size_t program_size) {
  // The key and the pattern are held twice each (wrapped and as given) and RE2 keeps parse trees of
  // about the pattern's size; the program takes ~16 bytes an instruction and the DFA states that
  // matching adds grow with it: 400 cached `(a{30}){30}(b{30}){30}(c{30}){30}|N…` (2,886 instructions)
  // matched against a few inputs each measured ~120 bytes an instruction in RSS.
  return 2048 + 6 * pattern_size + 128 * program_size;
}

Regex Regex::compile(std::string_view pattern, RegexAnchor anchor) {
  std::string key;
  key.reserve(pattern.size() + 1);
  key += static_cast<char>('0' + static_cast<int>(anchor));
  key.append(pattern);
  if (auto hit = cache().get(key)) return Regex(std::move(hit));
  return Regex(cache().put(key, build(pattern, anchor)));  // compiled outside the cache's lock
}

const std::string& Regex::pattern() const { return c_->pattern; }
RegexAnchor Regex::anchor() const { return c_->anchor; }
std::size_t Regex::group_count() const { return c_->groups; }

bool Regex::full_match(std::string_view text) const {
  const re2::StringPiece t = piece(text);
  return c_->re.Match(t, 0, t.size(), re2::RE2::ANCHOR_BOTH, nullptr, 0);
}

bool Regex::partial_match(std::string_view text) const {
  const re2::StringPiece t = piece(text);
  return c_->re.Match(t, 0, t.size(), re2::RE2::UNANCHORED, nullptr, 0);
}

std::optional<RegexSubmatches> Regex::find(std::string_view text) const {
  const re2::StringPiece t = piece(text);
  std::vector<re2::StringPiece> groups(c_->groups + 1);
  if (!c_->re.Match(t, 0, t.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
    return std::nullopt;
  RegexSubmatches out(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].data() != nullptr) out[i] = std::string_view(groups[i].data(), groups[i].size());
  }
  return out;
}

std::string Regex::expand(std::string_view tmpl, const RegexSubmatches& match) const {
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {  // $$ is a literal $
      out += '$';
      ++i;
      continue;
    }
    // A name: letters, digits and '_' after '$' or inside '${…}'.
    const bool brace = i < tmpl.size() && tmpl[i] == '{';
    std::size_t j = brace ? i + 1 : i;
    const std::size_t name_start = j;
    while (j < tmpl.size()) {
      const std::size_t w = name_rune_width(tmpl, j);
      if (w == 0) break;
      j += w;
    }
    const std::string_view name = tmpl.substr(name_start, j - name_start);
    if (name.empty() || (brace && (j >= tmpl.size() || tmpl[j] != '}'))) {
      out += '$';  // malformed: the '$' is plain text
      continue;
    }
    i = brace ? j + 1 : j;
    long num = 0;
    for (const char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;  // no leading zeros
    std::size_t group = match.size();
    if (num >= 0) {
      group = static_cast<std::size_t>(num);
    } else {
      for (std::size_t g = 1; g < c_->group_names.size(); ++g) {
        if (c_->group_names[g] == name) {
          group = g;
          break;
        }
      }
    }
    if (group < match.size() && match[group]) out.append(*match[group]);
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

std::string Regex::replace_all(std::string_view text, std::string_view repl) const {
  const re2::StringPiece t = piece(text);
  const bool needs_groups = repl.find('$') != std::string_view::npos;
  std::vector<re2::StringPiece> groups(needs_groups ? c_->groups + 1 : 1);
  RegexSubmatches match;
  std::string out;
  std::size_t last_end = 0;
  std::size_t pos = 0;
  while (pos <= t.size()) {
    if (!c_->re.Match(t, pos, t.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) break;
    const auto start = static_cast<std::size_t>(groups[0].data() - t.data());
    const std::size_t end = start + groups[0].size();
    out.append(text.substr(last_end, start - last_end));
    if (end > last_end || start == 0) {  // not an empty match right after the previous one
      if (needs_groups) {
        match.assign(groups.size(), std::nullopt);
        for (std::size_t g = 0; g < groups.size(); ++g) {
          if (groups[g].data() != nullptr) match[g] = std::string_view(groups[g].data(), groups[g].size());
        }
        out += expand(repl, match);
      } else {
        out.append(repl);
      }
    }
    last_end = end;
    // Advance past this match, by at least one character.
    const std::size_t width = pos < t.size() ? rune_width(text, pos) : 0;
    if (pos + width > end) pos += width;
    else if (pos + 1 > end) ++pos;
    else pos = end;
  }
  out.append(text.substr(last_end));
  return out;
}

RegexCacheStats regex_cache_stats() { return cache().stats(); }
void set_regex_cache_capacity(std::size_t bytes) { cache().set_capacity(bytes); }
void clear_regex_cache() { cache().clear(); }

}  // namespace twikit
