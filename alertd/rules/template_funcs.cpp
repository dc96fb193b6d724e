// The functions alert templates can call: Go's text/template builtins and Prometheus' additions.

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <unordered_map>

#include "common/duration.h"
#include "common/query_escape.h"
#include "common/regex.h"
#include "alertd/rules/go_format.h"
#include "alertd/rules/humanize.h"
#include "alertd/rules/template.h"

namespace twikit::rules {

namespace {

using Args = std::vector<TemplateValue>;
using Fn = std::function<TemplateValue(const Args&)>;

void want_args(const Args& args, std::size_t n) {
  if (args.size() != n) {
    throw std::runtime_error("wrong number of args: want " + std::to_string(n) + " got " + std::to_string(args.size()));
  }
}

// Prometheus' convertToFloat: numbers as they are, strings through strconv.ParseFloat.
double to_float(const TemplateValue& v) {
  if (v.is_number()) return v.as_double();
  if (v.is_string()) {
    const std::string& s = v.as_string();
    const std::string quoted = "strconv.ParseFloat: parsing \"" + s + "\": ";
    if (s.empty()) throw std::runtime_error(quoted + "invalid syntax");
    std::string lower;
    for (const char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string body = (lower[0] == '+' || lower[0] == '-') ? lower.substr(1) : lower;
    const double sign = lower[0] == '-' ? -1.0 : 1.0;
    if (body == "inf" || body == "infinity") return sign * HUGE_VAL;
    if (body == "nan") return NAN;
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (*end != '\0' || body.find_first_of("ni") != std::string::npos)
      throw std::runtime_error(quoted + "invalid syntax");
    if (errno == ERANGE && std::isinf(d)) throw std::runtime_error(quoted + "value out of range");
    return d;
  }
  throw std::runtime_error("can't convert " + v.type_name() + " to float");
}

std::string to_str(const TemplateValue& v) {
  return v.is_string() ? v.as_string() : v.to_string();
}

// Go's text/template comparison: 0 when equal, <0 / >0 for ordered kinds.
int compare(const TemplateValue& a, const TemplateValue& b, bool ordered) {
  // Go refuses to compare an int with a float64 (`gt $value 0` fails in Prometheus; `gt $value 0.0`
  // works); alertd does the same so that rule files behave alike in both.
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  if (a.is_float() && b.is_float()) {
    const double x = a.as_double();
    const double y = b.as_double();
    if (x == y) return 0;
    return x < y ? -1 : (x > y ? 1 : 2);  // 2: unordered (NaN)
  }
  if (a.is_string() && b.is_string())
    return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() == b.as_string() ? 0 : 1;
  if (!ordered && a.is_bool() && b.is_bool()) return a.as_bool() == b.as_bool() ? 0 : 1;
  if (!ordered && a.is_nil() && b.is_nil()) return 0;
  if (ordered && (a.is_bool() || a.is_map() || a.is_list() || a.is_nil()))
    throw std::runtime_error("invalid type for comparison");
  throw std::runtime_error("incompatible types for comparison");
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Go's strings.Title: upper-cases the first letter of each word.
std::string title(const std::string& s) {
  std::string out = s;
  bool at_word_start = true;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    const bool word_char = std::isalnum(u) || c == '_' || u >= 0x80;
    if (word_char && at_word_start) c = static_cast<char>(std::toupper(u));
    at_word_start = !word_char;
  }
  return out;
}

// Go's regexp.Compile for the template functions: unanchored, Go's (RE2's) syntax, linear-time
// matching; a bad pattern fails with Go's "error parsing regexp: …".
Regex template_regex(const std::string& pattern, const char* panic_prefix) {
  try {
    return Regex::compile(pattern);
  } catch (const RegexError& e) {
    throw std::runtime_error(std::string(panic_prefix) + "error parsing regexp: " + e.what());
  }
}

[[noreturn]] TemplateValue unsupported(const std::string& name) {
  throw std::runtime_error(name + " is not supported by alertd templates (no PromQL access from templates)");
}

const std::unordered_map<std::string, Fn>& prometheus_functions() {
  static const std::unordered_map<std::string, Fn> fns = {
      // Go builtins.
      {"and",
       [](const Args& a) {
         if (a.empty()) throw std::runtime_error("wrong number of args for and: want at least 1 got 0");
         for (const auto& v : a) {
           if (!v.truthy()) return v;
         }
         return a.back();
       }},
      {"or",
       [](const Args& a) {
         if (a.empty()) throw std::runtime_error("wrong number of args for or: want at least 1 got 0");
         for (const auto& v : a) {
           if (v.truthy()) return v;
         }
         return a.back();
       }},
      {"not",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(!a[0].truthy());
       }},
      {"len",
       [](const Args& a) {
         want_args(a, 1);
         if (a[0].is_string()) return TemplateValue(static_cast<std::int64_t>(a[0].as_string().size()));
         if (a[0].is_map()) return TemplateValue(static_cast<std::int64_t>(a[0].as_map().size()));
         if (a[0].is_list()) return TemplateValue(static_cast<std::int64_t>(a[0].as_list().size()));
         throw std::runtime_error("len of type " + a[0].type_name());
       }},
      {"index",
       [](const Args& a) {
         if (a.empty()) throw std::runtime_error("wrong number of args for index: want at least 1 got 0");
         TemplateValue v = a[0];
         for (std::size_t i = 1; i < a.size(); ++i) {
           if (v.is_map()) {
             const auto it = v.as_map().find(to_str(a[i]));
             v = it == v.as_map().end() ? TemplateValue(std::string()) : it->second;
           } else if (v.is_list() && a[i].is_int()) {
             const auto idx = a[i].as_int();
             if (idx < 0 || static_cast<std::size_t>(idx) >= v.as_list().size())
               throw std::runtime_error("index out of range: " + std::to_string(idx));
             v = v.as_list()[static_cast<std::size_t>(idx)];
           } else {
             throw std::runtime_error("can't index item of type " + v.type_name());
           }
         }
         return v;
       }},
      {"print",
       [](const Args& a) {
         std::string out;
         for (std::size_t i = 0; i < a.size(); ++i) {
           if (i > 0 && !a[i].is_string() && !a[i - 1].is_string()) out += ' ';
           out += a[i].to_string();
         }
         return TemplateValue(out);
       }},
      {"println",
       [](const Args& a) {
         std::string out;
         for (std::size_t i = 0; i < a.size(); ++i) {
           if (i > 0) out += ' ';
           out += a[i].to_string();
         }
         return TemplateValue(out + "\n");
       }},
      {"printf",
       [](const Args& a) {
         if (a.empty()) throw std::runtime_error("wrong number of args: want at least 1 got 0");
         if (!a[0].is_string()) throw std::runtime_error("wrong type for value; expected string");
         return TemplateValue(go_sprintf(a[0].as_string(), Args(a.begin() + 1, a.end())));
       }},
      {"html",
       [](const Args& a) {
         std::string s;
         for (const auto& v : a) s += v.to_string();
         return TemplateValue(html_escape(s));
       }},
      {"urlquery",
       [](const Args& a) {
         std::string s;
         for (const auto& v : a) s += v.to_string();
         return TemplateValue(query_escape(s));
       }},
      {"js",
       [](const Args& a) {
         std::string s, out;
         for (const auto& v : a) s += v.to_string();
         for (const char c : s) {
           switch (c) {
             case '\\':
               out += "\\\\";
               break;
             case '\'':
               out += "\\'";
               break;
             case '"':
               out += "\\\"";
               break;
             case '<':
               out += "\\u003C";
               break;
             case '>':
               out += "\\u003E";
               break;
             case '&':
               out += "\\u0026";
               break;
             case '=':
               out += "\\u003D";
               break;
             default:
               out += c;
           }
         }
         return TemplateValue(out);
       }},
      {"eq",
       [](const Args& a) {
         if (a.size() < 2) throw std::runtime_error("missing argument for comparison");
         for (std::size_t i = 1; i < a.size(); ++i)
           if (compare(a[0], a[i], false) == 0) return TemplateValue(true);
         return TemplateValue(false);
       }},
      {"ne",
       [](const Args& a) {
         want_args(a, 2);
         return TemplateValue(compare(a[0], a[1], false) != 0);
       }},
      {"lt",
       [](const Args& a) {
         want_args(a, 2);
         return TemplateValue(compare(a[0], a[1], true) == -1);
       }},
      {"le",
       [](const Args& a) {
         want_args(a, 2);
         const int c = compare(a[0], a[1], true);
         return TemplateValue(c == -1 || c == 0);
       }},
      {"gt",
       [](const Args& a) {
         want_args(a, 2);
         return TemplateValue(compare(a[0], a[1], true) == 1);
       }},
      {"ge",
       [](const Args& a) {
         want_args(a, 2);
         const int c = compare(a[0], a[1], true);
         return TemplateValue(c == 1 || c == 0);
       }},
      {"slice", [](const Args&) -> TemplateValue { throw std::runtime_error("slice is not supported"); }},
      {"call", [](const Args&) -> TemplateValue { throw std::runtime_error("call is not supported"); }},
      // Prometheus' functions.
      {"humanize",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize(to_float(a[0])));
       }},
      {"humanize1024",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_1024(to_float(a[0])));
       }},
      {"humanizeDuration",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_duration(to_float(a[0])));
       }},
      {"humanizePercentage",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_percentage(to_float(a[0])));
       }},
      {"humanizeTimestamp",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_timestamp(to_float(a[0])));
       }},
      {"toTime",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_timestamp(to_float(a[0])));
       }},
      {"toDuration",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(humanize_duration(to_float(a[0])));
       }},
      {"parseDuration",
       [](const Args& a) {
         want_args(a, 1);
         const auto ms = twikit::parse_duration_ms(to_str(a[0]));
         if (!ms) throw std::runtime_error("not a valid duration string: \"" + to_str(a[0]) + "\"");
         return TemplateValue(static_cast<double>(*ms) / 1000.0);
       }},
      {"title",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(title(to_str(a[0])));
       }},
      {"toUpper",
       [](const Args& a) {
         want_args(a, 1);
         std::string s = to_str(a[0]);
         for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return TemplateValue(s);
       }},
      {"toLower",
       [](const Args& a) {
         want_args(a, 1);
         std::string s = to_str(a[0]);
         for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
         return TemplateValue(s);
       }},
      {"match",
       [](const Args& a) {
         want_args(a, 2);
         return TemplateValue(template_regex(to_str(a[0]), "").partial_match(to_str(a[1])));
       }},
      {"reReplaceAll",
       [](const Args& a) {
         want_args(a, 3);
         // Prometheus uses regexp.MustCompile here, whose panic names the pattern.
         const std::string pattern = to_str(a[0]);
         const Regex re = template_regex(pattern, ("regexp: Compile(`" + pattern + "`): ").c_str());
         return TemplateValue(re.replace_all(to_str(a[2]), to_str(a[1])));
       }},
      {"safeHtml",
       [](const Args& a) {
         want_args(a, 1);
         return TemplateValue(to_str(a[0]));
       }},
      {"stripPort",
       [](const Args& a) {
         want_args(a, 1);
         const std::string s = to_str(a[0]);
         if (!s.empty() && s[0] == '[') {
           const auto close = s.find(']');
           return TemplateValue(close == std::string::npos ? s : s.substr(1, close - 1));
         }
         const auto colon = s.rfind(':');
         if (colon == std::string::npos || s.find(':') != colon) return TemplateValue(s);
         return TemplateValue(s.substr(0, colon));
       }},
      {"stripDomain",
       [](const Args& a) {
         want_args(a, 1);
         std::string host = to_str(a[0]);
         std::string port;
         const auto colon = host.rfind(':');
         if (colon != std::string::npos && host.find(':') == colon) {
           port = host.substr(colon);
           host = host.substr(0, colon);
         }
         bool ip = !host.empty();
         for (const char c : host) ip = ip && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
         if (ip || host.find(':') != std::string::npos) return TemplateValue(to_str(a[0]));
         const auto dot = host.find('.');
         return TemplateValue((dot == std::string::npos ? host : host.substr(0, dot)) + port);
       }},
      {"args",
       [](const Args& a) {
         TemplateValue::Map m;
         for (std::size_t i = 0; i < a.size(); ++i) m["arg" + std::to_string(i)] = a[i];
         return TemplateValue(std::move(m));
       }},
      {"query", [](const Args&) -> TemplateValue { unsupported("query"); }},
      {"first", [](const Args&) -> TemplateValue { unsupported("first"); }},
      {"label", [](const Args&) -> TemplateValue { unsupported("label"); }},
      {"value", [](const Args&) -> TemplateValue { unsupported("value"); }},
      {"strvalue", [](const Args&) -> TemplateValue { unsupported("strvalue"); }},
      {"sortByLabel", [](const Args&) -> TemplateValue { unsupported("sortByLabel"); }},
      {"graphLink", [](const Args&) -> TemplateValue { unsupported("graphLink"); }},
      {"tableLink", [](const Args&) -> TemplateValue { unsupported("tableLink"); }},
      {"externalURL", [](const Args&) -> TemplateValue { unsupported("externalURL"); }},
      {"pathPrefix", [](const Args&) -> TemplateValue { unsupported("pathPrefix"); }},
  };
  return fns;
}

// Go's strings.TrimSpace: white space off both ends (ASCII white space, U+0085 and U+00A0).
std::string trim_space(const std::string& s) {
  auto space_at_start = [&](std::size_t i) -> std::size_t {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    if (i + 1 < s.size() && s[i] == '\xC2' && (s[i + 1] == '\x85' || s[i + 1] == '\xA0')) return 2;
    return 0;
  };
  std::size_t b = 0;
  while (b < s.size()) {
    const std::size_t n = space_at_start(b);
    if (n == 0) break;
    b += n;
  }
  std::size_t e = s.size();
  while (e > b) {
    if (e - b >= 2 && space_at_start(e - 2) == 2) {
      e -= 2;
    } else if (space_at_start(e - 1) == 1) {
      e -= 1;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

// Alertmanager's template functions (template.DefaultFuncs of Alertmanager 0.25) with Go's builtins.
const std::unordered_map<std::string, Fn>& alertmanager_functions() {
  static const std::unordered_map<std::string, Fn> fns = [] {
    std::unordered_map<std::string, Fn> m;
    const auto& prom = prometheus_functions();
    for (const char* name : {"and", "or", "not", "len", "index", "print", "println", "printf", "html", "urlquery", "js",
                             "eq", "ne", "lt", "le", "gt", "ge", "slice", "call", "toUpper", "toLower", "title",
                             "match", "reReplaceAll"}) {
      m.emplace(name, prom.at(name));
    }
    m.emplace("trimSpace", [](const Args& a) {
      want_args(a, 1);
      return TemplateValue(trim_space(to_str(a[0])));
    });
    // join is strings.Join with the separator first, for pipelines: `.Values | join " "`.
    m.emplace("join", [](const Args& a) {
      want_args(a, 2);
      if (!a[1].is_list()) {
        throw std::runtime_error("wrong type for value; expected []string; got " + a[1].type_name());
      }
      std::string out;
      bool first = true;
      for (const auto& v : a[1].as_list()) {
        if (!v.is_string()) throw std::runtime_error("wrong type for value; expected []string; got " + a[1].type_name());
        if (!first) out += to_str(a[0]);
        first = false;
        out += v.as_string();
      }
      return TemplateValue(out);
    });
    m.emplace("stringSlice", [](const Args& a) {
      TemplateValue::List l;
      for (const auto& v : a) {
        if (!v.is_string()) throw std::runtime_error("wrong type for value; expected string; got " + v.type_name());
        l.push_back(v);
      }
      return TemplateValue(std::move(l));
    });
    m.emplace("safeHtml", [](const Args& a) {
      want_args(a, 1);
      return TemplateValue(to_str(a[0])).with_type(template_html_type());
    });
    return m;
  }();
  return fns;
}

const std::unordered_map<std::string, Fn>& functions(TemplateFunctions set) {
  return set == TemplateFunctions::alertmanager ? alertmanager_functions() : prometheus_functions();
}

}  // namespace

const std::shared_ptr<const TemplateType>& template_html_type() {
  static const std::shared_ptr<const TemplateType> type =
      std::make_shared<const TemplateType>(TemplateType{"template.HTML", {}, false});
  return type;
}

std::string template_html_escape(const std::string& s) { return html_escape(s); }

bool is_template_function(const std::string& name, TemplateFunctions set) { return functions(set).count(name) > 0; }

TemplateValue call_template_function(const std::string& name, const std::vector<TemplateValue>& args,
                                     TemplateFunctions set) {
  const auto it = functions(set).find(name);
  if (it == functions(set).end()) throw std::runtime_error("function \"" + name + "\" not defined");
  return it->second(args);
}

}  // namespace twikit::rules
