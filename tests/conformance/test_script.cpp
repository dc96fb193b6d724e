#include "test_script.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "common/duration.h"

namespace twikit::conformance {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Pops the next whitespace-separated word from `rest`.
std::string next_word(std::string& rest) {
  rest = trim(rest);
  const std::size_t sp = rest.find_first_of(" \t");
  std::string w = rest.substr(0, sp);
  rest = sp == std::string::npos ? std::string() : rest.substr(sp + 1);
  return w;
}

Labels parse_series(std::string_view text) {
  return rules::parse_series_description(std::string(text), rules::SeriesSyntax::promql_test);
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '`') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

}  // namespace

std::int64_t parse_test_duration(const std::string& text) {
  std::string t = trim(text);
  bool neg = false;
  if (!t.empty() && t[0] == '-') {
    neg = true;
    t = t.substr(1);
  }
  auto d = parse_duration_ms(t);
  if (!d) {
    auto n = rules::parse_script_number(t);
    if (!n) throw NotationError("bad duration \"" + text + "\"");
    d = static_cast<std::int64_t>(*n * 1000);
  }
  return neg ? -*d : *d;
}

std::vector<Command> parse_test_script(const std::string& text) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      l = trim(l);
      if (!l.empty() && l[0] == '#') l.clear();
      lines.push_back(l);
    }
  }
  std::vector<Command> out;
  std::size_t i = 0;
  auto err = [&](std::size_t line, const std::string& msg) -> NotationError {
    return NotationError("line " + std::to_string(line + 1) + ": " + msg);
  };
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.empty()) {
      ++i;
      continue;
    }
    std::string rest = l;
    const std::string cmd = lower(next_word(rest));
    if (cmd == "clear") {
      out.push_back(Command{Command::Kind::clear, {}, {}});
      ++i;
      continue;
    }
    if (cmd == "load" || cmd == "load_with_nhcb") {
      Command c;
      c.kind = Command::Kind::load;
      c.load.step_ms = parse_test_duration(next_word(rest));
      ++i;
      for (; i < lines.size() && !lines[i].empty(); ++i) {
        std::string_view series, values;
        rules::split_series_line(lines[i], series, values);
        if ((series.size() >= 3 && series.substr(series.size() - 3) == "@st") || values.substr(0, 3) == "@st") {
          c.load.has_start_timestamps = true;
          continue;
        }
        try {
          c.load.series.push_back(SeriesLine{parse_series(series), rules::expand_series_values(values, rules::SeriesSyntax::promql_test)});
        } catch (const std::invalid_argument& e) {
          throw err(i, e.what());
        }
      }
      out.push_back(std::move(c));
      continue;
    }
    if (!starts_with(cmd, "eval")) throw err(i, "unknown command \"" + cmd + "\"");
    Command c;
    c.kind = Command::Kind::eval;
    EvalCommand& e = c.eval;
    e.line = static_cast<int>(i + 1);
    if (cmd == "eval_fail") e.expect_fail = true;
    if (cmd == "eval_ordered") e.ordered = true;
    if (cmd == "eval_warn") e.warn.any = true;
    if (cmd == "eval_info") e.info.any = true;
    const std::string mode = lower(next_word(rest));
    if (mode == "instant") {
      if (lower(next_word(rest)) != "at") throw err(i, "expected 'at'");
      e.at_ms = parse_test_duration(next_word(rest));
    } else if (mode == "range") {
      if (lower(next_word(rest)) != "from") throw err(i, "expected 'from'");
      e.range = true;
      e.start_ms = parse_test_duration(next_word(rest));
      if (lower(next_word(rest)) != "to") throw err(i, "expected 'to'");
      e.end_ms = parse_test_duration(next_word(rest));
      if (lower(next_word(rest)) != "step") throw err(i, "expected 'step'");
      e.step_ms = parse_test_duration(next_word(rest));
    } else {
      throw err(i, "bad eval mode \"" + mode + "\"");
    }
    e.expr = trim(rest);
    ++i;
    for (; i < lines.size() && !lines[i].empty(); ++i) {
      const std::string& b = lines[i];
      // Under eval_fail these lines end the body.
      if (starts_with(b, "expected_fail_message")) {
        e.fail_msg = trim(b.substr(21));
        ++i;
        break;
      }
      if (starts_with(b, "expected_fail_regexp")) {
        e.fail_regex = trim(b.substr(20));
        ++i;
        break;
      }
      if (starts_with(b, "expect ")) {
        std::string r = b.substr(7);
        const std::string what = lower(next_word(r));
        if (what == "fail") {
          e.expect_fail = true;
          r = trim(r);
          if (starts_with(r, "msg:")) e.fail_msg = trim(r.substr(4));
          else if (starts_with(r, "regex:")) e.fail_regex = trim(r.substr(6));
        } else if (what == "ordered") {
          e.ordered = true;
        } else if (what == "string") {
          e.expect_string = unquote(trim(r));
        } else if (what == "range") {
          std::string w = next_word(r);  // vector
          (void)w;
          next_word(r);  // from
          e.range_vector = true;
          e.rv_from = parse_test_duration(next_word(r));
          next_word(r);  // to
          e.rv_to = parse_test_duration(next_word(r));
          next_word(r);  // step
          e.rv_step = parse_test_duration(next_word(r));
        } else if (what == "warn" || what == "info") {
          AnnotationExpect& a = what == "warn" ? e.warn : e.info;
          r = trim(r);
          if (starts_with(r, "msg:")) a.msgs.push_back(trim(r.substr(4)));
          else if (starts_with(r, "regex:")) a.regexes.push_back(trim(r.substr(6)));
          else a.any = true;
        } else if (what == "no_warn") {
          e.warn.none = true;
        } else if (what == "no_info") {
          e.info.none = true;
        }
        continue;
      }
      if (auto n = rules::parse_script_number(b)) {
        e.scalar = *n;
        continue;
      }
      std::string_view series, values;
      rules::split_series_line(b, series, values);
      try {
        SeriesLine sl{parse_series(series), rules::expand_series_values(values, rules::SeriesSyntax::promql_test)};
        for (const auto& v : sl.values) e.expects_histogram = e.expects_histogram || v.kind == SeqValue::Kind::histogram;
        e.series.push_back(std::move(sl));
      } catch (const std::invalid_argument& ex) {
        throw err(i, ex.what());
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace twikit::conformance
