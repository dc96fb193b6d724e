// The table of PromQL functions: signatures (checked by the parser) and implementations.

#include <unordered_map>

#include "alertd/promql/function_impls.h"

namespace twikit::promql {
namespace {

constexpr ValueType S = ValueType::scalar;
constexpr ValueType V = ValueType::vector;
constexpr ValueType M = ValueType::matrix;
constexpr ValueType Str = ValueType::string;

std::vector<FunctionInfo> make_table() {
  std::vector<FunctionInfo> t = {
      {"rate", {M}, 0, V, fn::rate},
      {"increase", {M}, 0, V, fn::increase},
      {"delta", {M}, 0, V, fn::delta},
      {"irate", {M}, 0, V, fn::irate},
      {"idelta", {M}, 0, V, fn::idelta},
      {"resets", {M}, 0, V, fn::resets},
      {"changes", {M}, 0, V, fn::changes},
      {"deriv", {M}, 0, V, fn::deriv},
      {"predict_linear", {M, S}, 0, V, fn::predict_linear},
      {"double_exponential_smoothing", {M, S, S}, 0, V, fn::double_exponential_smoothing},
      {"avg_over_time", {M}, 0, V, fn::avg_over_time},
      {"sum_over_time", {M}, 0, V, fn::sum_over_time},
      {"min_over_time", {M}, 0, V, fn::min_over_time},
      {"max_over_time", {M}, 0, V, fn::max_over_time},
      {"count_over_time", {M}, 0, V, fn::count_over_time},
      {"last_over_time", {M}, 0, V, fn::last_over_time},
      {"first_over_time", {M}, 0, V, fn::first_over_time},
      {"quantile_over_time", {S, M}, 0, V, fn::quantile_over_time},
      {"stddev_over_time", {M}, 0, V, fn::stddev_over_time},
      {"stdvar_over_time", {M}, 0, V, fn::stdvar_over_time},
      {"mad_over_time", {M}, 0, V, fn::mad_over_time},
      {"present_over_time", {M}, 0, V, fn::present_over_time},
      {"absent_over_time", {M}, 0, V, fn::absent_over_time},
      {"ts_of_last_over_time", {M}, 0, V, fn::ts_of_last_over_time},
      {"ts_of_first_over_time", {M}, 0, V, fn::ts_of_first_over_time},
      {"ts_of_max_over_time", {M}, 0, V, fn::ts_of_max_over_time},
      {"ts_of_min_over_time", {M}, 0, V, fn::ts_of_min_over_time},
      {"round", {V, S}, 1, V, fn::round},
      {"clamp", {V, S, S}, 0, V, fn::clamp},
      {"clamp_min", {V, S}, 0, V, fn::clamp_min},
      {"clamp_max", {V, S}, 0, V, fn::clamp_max},
      {"time", {}, 0, S, fn::time},
      {"pi", {}, 0, S, fn::pi},
      {"timestamp", {V}, 0, V, fn::timestamp},
      {"vector", {S}, 0, V, fn::vector},
      {"scalar", {V}, 0, S, fn::scalar},
      {"sort", {V}, 0, V, fn::sort},
      {"sort_desc", {V}, 0, V, fn::sort_desc},
      {"sort_by_label", {V, Str}, -1, V, fn::sort_by_label},
      {"sort_by_label_desc", {V, Str}, -1, V, fn::sort_by_label_desc},
      {"absent", {V}, 0, V, fn::absent},
      {"label_replace", {V, Str, Str, Str, Str}, 0, V, fn::label_replace},
      {"label_join", {V, Str, Str, Str}, -1, V, fn::label_join},
      {"histogram_quantile", {S, V}, 0, V, fn::histogram_quantile},
      // Native-histogram and experimental functions: known to the parser, not evaluated.
      {"histogram_count", {V}, 0, V, nullptr},
      {"histogram_sum", {V}, 0, V, nullptr},
      {"histogram_avg", {V}, 0, V, nullptr},
      {"histogram_stddev", {V}, 0, V, nullptr},
      {"histogram_stdvar", {V}, 0, V, nullptr},
      {"histogram_fraction", {S, S, V}, 0, V, nullptr},
      {"info", {V, V}, 1, V, nullptr},
  };
  for (const char* name : {"abs", "ceil", "floor", "sqrt", "exp", "ln", "log2", "log10", "sgn", "deg", "rad", "sin",
                           "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"}) {
    t.push_back({name, {V}, 0, V, fn::math});
  }
  for (const char* name : {"minute", "hour", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "month",
                           "year"}) {
    t.push_back({name, {V}, 1, V, fn::date});
  }
  return t;
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  static const std::vector<FunctionInfo> table = make_table();
  static const std::unordered_map<std::string_view, const FunctionInfo*> by_name = [] {
    std::unordered_map<std::string_view, const FunctionInfo*> m;
    for (const auto& f : table) m.emplace(f.name, &f);
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

}  // namespace twikit::promql
