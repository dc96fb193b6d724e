#include "alertd/rules/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace twikit::rules {

namespace {

std::string non_finite(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

// Formats with a C printf spec for one double; the spec is built by this file, never by users.
std::string c_format(const std::string& spec, double v) {
  char buf[512];
  const int n = std::snprintf(buf, sizeof buf, spec.c_str(), v);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
  std::string big(static_cast<std::size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), spec.c_str(), v);
  big.resize(static_cast<std::size_t>(n));
  return big;
}

std::string pad(std::string s, int width, bool left) {
  if (width <= 0 || static_cast<int>(s.size()) >= width) return s;
  const std::string fill(static_cast<std::size_t>(width) - s.size(), ' ');
  return left ? s + fill : fill + s;
}

std::string quote_impl(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string bad_verb(char verb, const TemplateValue& v) {
  return std::string("%!") + verb + "(" + v.type_name() + "=" + v.to_string() + ")";
}

}  // namespace

std::string go_format_float(double v) {
  if (!std::isfinite(v)) return non_finite(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);  // shortest round-trip digits: "-1.2345e+06"
  const std::size_t epos = sci.find('e');
  std::string mantissa = sci.substr(0, epos);
  const int exp = std::atoi(sci.c_str() + epos + 1);
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') digits += c;
  }
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 6) {  // Go: shortest %g switches to %e at exponent 6
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += exp < 0 ? "e-" : "e+";
    const int a = std::abs(exp);
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exp) + 1 >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(exp) + 1) + "." + digits.substr(static_cast<std::size_t>(exp) + 1);
  }
  return out;
}

std::string go_format_float_spec(const std::string& spec, double v) {
  if (!std::isfinite(v)) return non_finite(v);
  return c_format(spec, v);
}

/// Go's fmt treats a width or precision above this as overflow.
constexpr int kMaxWidth = 1'000'000;

std::string go_sprintf(const std::string& format, const std::vector<TemplateValue>& args) {
  std::string out;
  std::size_t next_arg = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    std::string flags;
    ++i;
    while (i < format.size() && std::string_view("-+# 0").find(format[i]) != std::string_view::npos) {
      flags += format[i++];
    }
    int width = -1;
    int precision = -1;
    // Like Go's fmt, a width or precision past a million is not a number: the rest of the format is
    // consumed and the directive reads %!(NOVERB) (no megabyte padding, no int overflow).
    while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
      if (width > kMaxWidth) i = format.size();
      else width = (width < 0 ? 0 : width * 10) + (format[i++] - '0');
    }
    if (i < format.size() && format[i] == '.') {
      ++i;
      precision = 0;
      while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
        if (precision > kMaxWidth) i = format.size();
        else precision = precision * 10 + (format[i++] - '0');
      }
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    const char verb = format[i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next_arg >= args.size()) {
      out += std::string("%!") + verb + "(MISSING)";
      continue;
    }
    const TemplateValue& arg = args[next_arg++];
    const bool left = flags.find('-') != std::string::npos;
    std::string spec = "%" + flags;
    if (width >= 0) spec += std::to_string(width);
    if (precision >= 0) {
      spec += '.';
      spec += std::to_string(precision);
    }
    switch (verb) {
      case 'v':
        out += pad(arg.to_string(), width, left);
        break;
      case 's':
        if (arg.is_string()) {
          std::string s = arg.as_string();
          if (precision >= 0 && static_cast<std::size_t>(precision) < s.size())
            s.resize(static_cast<std::size_t>(precision));
          out += pad(s, width, left);
        } else if (arg.is_float()) {
          out += bad_verb(verb, arg);
        } else {
          out += pad(arg.to_string(), width, left);
        }
        break;
      case 'q':
        out += arg.is_string() ? pad(quote_impl(arg.as_string()), width, left) : bad_verb(verb, arg);
        break;
      case 't':
        out += arg.is_bool() ? pad(arg.to_string(), width, left) : bad_verb(verb, arg);
        break;
      case 'd':
        if (arg.is_int()) {
          char buf[128];
          std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), static_cast<long long>(arg.as_int()));
          out += buf;
        } else {
          out += bad_verb(verb, arg);
        }
        break;
      case 'x':
      case 'X':
        if (arg.is_int()) {
          char buf[128];
          std::snprintf(buf, sizeof buf, (spec + "ll" + verb).c_str(), static_cast<long long>(arg.as_int()));
          out += buf;
        } else if (arg.is_string()) {
          std::string hex;
          for (const char c : arg.as_string()) {
            char buf[4];
            std::snprintf(buf, sizeof buf, verb == 'x' ? "%02x" : "%02X", static_cast<unsigned char>(c));
            hex += buf;
          }
          out += pad(hex, width, left);
        } else {
          out += bad_verb(verb, arg);
        }
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (arg.is_float()) {
          std::string s = go_format_float_spec(spec + verb, arg.as_double());
          if (!std::isfinite(arg.as_double())) s = pad(s, width, left);
          out += s;
        } else {
          out += bad_verb(verb, arg);
        }
        break;
      default:
        out += bad_verb(verb, arg);
    }
  }
  if (next_arg < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t a = next_arg; a < args.size(); ++a) {
      if (a > next_arg) out += ", ";
      out += args[a].type_name() + "=" + args[a].to_string();
    }
    out += ")";
  }
  return out;
}

bool TemplateValue::truthy() const {
  if (is_nil()) return false;
  if (is_bool()) return as_bool();
  if (is_int()) return as_int() != 0;
  if (is_float()) return as_double() != 0;
  if (is_string()) return !as_string().empty();
  if (is_map()) return !as_map().empty();
  return !as_list().empty();
}

std::string TemplateValue::to_string() const {
  if (is_nil()) return "<no value>";
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_int()) return std::to_string(as_int());
  if (is_float()) return go_format_float(as_double());
  if (is_string()) return as_string();
  std::string out;
  if (is_map()) {
    out = "map[";
    bool first = true;
    for (const auto& [k, v] : as_map()) {
      if (!first) out += " ";
      first = false;
      out += k + ":" + v.to_string();
    }
  } else {
    out = "[";
    bool first = true;
    for (const auto& v : as_list()) {
      if (!first) out += " ";
      first = false;
      out += v.to_string();
    }
  }
  return out + "]";
}

std::string TemplateValue::type_name() const {
  if (type_) return type_->name;
  if (is_nil()) return "<nil>";
  if (is_bool()) return "bool";
  if (is_int()) return "int";
  if (is_float()) return "float64";
  if (is_string()) return "string";
  if (is_map()) return "map[string]string";
  return "[]interface {}";
}

}  // namespace twikit::rules

namespace twikit::rules {

std::string go_quote(const std::string& s) {
  return quote_impl(s);
}

}  // namespace twikit::rules
