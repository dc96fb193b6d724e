#pragma once
// Runs the commands of a PromQL test script against a SeriesStore and the Engine.

#include <string>

#include "alertd/promql/engine.h"
#include "alertd/storage/series_store.h"
#include "test_script.h"

namespace twikit::conformance {

/// The outcome of one eval block.
struct Verdict {
  bool pass = false;  ///< Whether the block's expectations held.
  std::string why;    ///< On failure: what differed (or the error).
};

/// Applies a load command (series listed twice in one block: the last wins).
void run_load(const LoadCommand& load, storage::SeriesStore& store);

/// Runs one eval block; never throws (errors become a failing verdict).
Verdict run_eval(const EvalCommand& eval, const storage::SeriesStore& store, const promql::Engine& engine);

/// Float equality as the upstream harness defines it (NaN == NaN, relative 1e-6).
bool almost_equal(double a, double b);

}  // namespace twikit::conformance
