#pragma once
// Go's fmt formatting as alert templates see it: %v of float64 and a printf subset.

#include <string>
#include <vector>

#include "alertd/rules/template_value.h"

namespace twikit::rules {

/// Formats a float64 as Go's %v / strconv 'g' with shortest precision ("0.5", "1e+06", "NaN", "+Inf").
std::string go_format_float(double v);

/// Formats a float64 as Go's printf with a float verb (e, E, f, F, g, G), flags and width/precision
/// already written as a C-style spec like "%.4g"; NaN and infinities are written Go's way.
std::string go_format_float_spec(const std::string& spec, double v);

/// Go's strconv.Quote for ASCII text: double quotes, backslash escapes.
std::string go_quote(const std::string& s);

/// Go's fmt.Sprintf for the verbs templates use (%s %v %d %f %e %g %q %x %t %%).
std::string go_sprintf(const std::string& format, const std::vector<TemplateValue>& args);

}  // namespace twikit::rules
