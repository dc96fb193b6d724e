#pragma once
// Declarations of the function implementations, shared by the files that define them and the table.

#include "alertd/promql/evaluator.h"
#include "alertd/promql/functions.h"

namespace twikit::promql::fn {

#define TWIKIT_PROMQL_FN(name) EValue name(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t)

// range_functions.cpp
TWIKIT_PROMQL_FN(rate);
TWIKIT_PROMQL_FN(increase);
TWIKIT_PROMQL_FN(delta);
TWIKIT_PROMQL_FN(irate);
TWIKIT_PROMQL_FN(idelta);
TWIKIT_PROMQL_FN(resets);
TWIKIT_PROMQL_FN(changes);
TWIKIT_PROMQL_FN(deriv);
TWIKIT_PROMQL_FN(predict_linear);
TWIKIT_PROMQL_FN(double_exponential_smoothing);
// over_time.cpp
TWIKIT_PROMQL_FN(avg_over_time);
TWIKIT_PROMQL_FN(sum_over_time);
TWIKIT_PROMQL_FN(min_over_time);
TWIKIT_PROMQL_FN(max_over_time);
TWIKIT_PROMQL_FN(count_over_time);
TWIKIT_PROMQL_FN(last_over_time);
TWIKIT_PROMQL_FN(first_over_time);
TWIKIT_PROMQL_FN(quantile_over_time);
TWIKIT_PROMQL_FN(stddev_over_time);
TWIKIT_PROMQL_FN(stdvar_over_time);
TWIKIT_PROMQL_FN(mad_over_time);
TWIKIT_PROMQL_FN(present_over_time);
TWIKIT_PROMQL_FN(absent_over_time);
TWIKIT_PROMQL_FN(ts_of_last_over_time);
TWIKIT_PROMQL_FN(ts_of_first_over_time);
TWIKIT_PROMQL_FN(ts_of_max_over_time);
TWIKIT_PROMQL_FN(ts_of_min_over_time);
// functions.cpp
TWIKIT_PROMQL_FN(math);  // every one-argument math function; dispatches on call.func->name
TWIKIT_PROMQL_FN(round);
TWIKIT_PROMQL_FN(clamp);
TWIKIT_PROMQL_FN(clamp_min);
TWIKIT_PROMQL_FN(clamp_max);
TWIKIT_PROMQL_FN(time);
TWIKIT_PROMQL_FN(pi);
TWIKIT_PROMQL_FN(timestamp);
TWIKIT_PROMQL_FN(vector);
TWIKIT_PROMQL_FN(scalar);
TWIKIT_PROMQL_FN(sort);
TWIKIT_PROMQL_FN(sort_desc);
TWIKIT_PROMQL_FN(sort_by_label);
TWIKIT_PROMQL_FN(sort_by_label_desc);
TWIKIT_PROMQL_FN(absent);
TWIKIT_PROMQL_FN(date);  // day_of_month, hour, ...; dispatches on call.func->name
// label_functions.cpp
TWIKIT_PROMQL_FN(label_replace);
TWIKIT_PROMQL_FN(label_join);
// histogram.cpp
TWIKIT_PROMQL_FN(histogram_quantile);

#undef TWIKIT_PROMQL_FN

/// Labels for absent()/absent_over_time(): the equality matchers of a selector argument.
Labels absent_labels(const Expr& arg);

}  // namespace twikit::promql::fn
