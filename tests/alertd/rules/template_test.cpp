#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>

#include "alertd/rules/alert_template.h"
#include "alertd/rules/template.h"
#include "support/process.h"

using namespace twikit::rules;

namespace {

std::string run(const std::string& text, const TemplateValue& dot = TemplateValue()) {
  return Template::parse("test", text).execute(dot);
}

std::string expand(const std::string& text, double value = 0,
                   twikit::Labels labels = {{"instance", "host:9090"}, {"job", "api"}}) {
  AlertTemplateData data;
  data.labels = std::move(labels);
  data.external_labels = {{"cluster", "eu1"}};
  data.external_url = "http://alertd.example:9878";
  data.value = value;
  return expand_alert_template("TestAlert", text, data);
}

}  // namespace

TEST_CASE("text and simple actions render as Go's text/template") {
  CHECK(run("plain text") == "plain text");
  CHECK(run("{{ 1 }} {{ 1.5 }} {{ \"s\" }} {{ `raw` }} {{ true }}") == "1 1.5 s raw true");
  CHECK(run("a {{- \" b \" -}} c") == "a b c");
  CHECK(run("a  {{- /* comment */ -}}  b") == "ab");
  CHECK(run("{{ $x := 3 }}{{ $x }}") == "3");
  CHECK(run("{{ $x := 3 }}{{ $x = 4 }}{{ $x }}") == "4");
}

TEST_CASE("alert templates see $labels, $externalLabels, $externalURL and $value") {
  CHECK(expand("Instance {{ $labels.instance }} down") == "Instance host:9090 down");
  CHECK(expand("{{ .Labels.job }} in {{ $externalLabels.cluster }}") == "api in eu1");
  CHECK(expand("{{ $externalURL }}") == "http://alertd.example:9878");
  CHECK(expand("value {{ $value }}", 0.25) == "value 0.25");
  CHECK(expand("value {{ .Value }}", 1e6) == "value 1e+06");
  CHECK(expand("missing '{{ $labels.nope }}'") == "missing ''");
}

TEST_CASE("pipelines feed the previous result as the last argument") {
  CHECK(expand("{{ $value | humanize }}", 1234567) == "1.235M");
  CHECK(expand("{{ $value | humanizePercentage }}", 0.0523) == "5.23%");
  CHECK(expand("{{ $value | humanizeDuration }}", 3725) == "1h 2m 5s");
  CHECK(expand("{{ humanize1024 $value }}", 2048) == "2ki");
  CHECK(expand("{{ printf \"%.2f\" $value }}", 3.14159) == "3.14");
  CHECK(expand("{{ $labels.job | toUpper }}") == "API");
  CHECK(expand("{{ \"aa bb CC\" | title }}") == "Aa Bb CC");
  CHECK(expand("{{ \"AA bb\" | toLower }}") == "aa bb");
  CHECK(expand("{{ reReplaceAll \"(.*):(.*)\" \"$1\" $labels.instance }}") == "host");
  CHECK(expand("{{ reReplaceAll \"(a)b\" \"x${1}\" \"abab\" }}") == "xaxa");
  CHECK(expand("{{ \"1435065584.128\" | humanizeTimestamp }}") == "2015-06-23 13:19:44.128 +0000 UTC");
}

TEST_CASE("match and reReplaceAll are unanchored Go regexps with Go's $ expansion") {
  CHECK(expand("{{ if match \"^host\" $labels.instance }}yes{{ else }}no{{ end }}") == "yes");
  CHECK(expand("{{ if match \"9090\" $labels.instance }}yes{{ else }}no{{ end }}") == "yes");
  CHECK(expand("{{ if match \"(?i)HOST\" $labels.instance }}yes{{ else }}no{{ end }}") == "yes");
  CHECK(expand("{{ reReplaceAll \"(?P<h>[a-z]+):(?P<p>\\\\d+)\" \"${p}@$h\" $labels.instance }}") == "9090@host");
  CHECK(expand("{{ reReplaceAll \"o\" \"$$\" \"foo\" }}") == "f$$");
  CHECK(expand("{{ reReplaceAll \"x*\" \"-\" \"abc\" }}") == "-a-b-c-");
  const std::string bad = expand("{{ reReplaceAll \"(a\" \"x\" \"aaa\" }}");
  CHECK(bad.find("regexp: Compile(`(a`): error parsing regexp: missing ): `(a`") != std::string::npos);
}

TEST_CASE("reReplaceAll \"(.*)*(.A00)\" over a long label answers at once") {
  const std::string long_value = std::string(5000, 'a') + "zA00";
  const auto start = std::chrono::steady_clock::now();
  // std::regex took 37.8 s on a 30-character value of this shape.
  CHECK(expand("{{ reReplaceAll \"(.*)*(.A00)\" \"[$2]\" $labels.instance }}", 0, {{"instance", long_value}}) == "[zA00]");
  CHECK(expand("{{ reReplaceAll \"(.*)*(.A00)\" \"x\" $labels.instance }}", 0, {{"instance", std::string(5000, 'a')}}) ==
        std::string(5000, 'a'));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5 * twikit::testing::kTimeoutScale));
}

TEST_CASE("if / else if / else choose with Go's comparison functions") {
  const std::string t = "{{ if gt $value 0.9 }}critical{{ else if ge $value 0.5 }}warning{{ else }}ok{{ end }}";
  CHECK(expand(t, 0.95) == "critical");
  CHECK(expand(t, 0.5) == "warning");
  CHECK(expand(t, 0.1) == "ok");
  CHECK(expand("{{ if eq $labels.job \"api\" }}yes{{ end }}") == "yes");
  CHECK(expand("{{ if ne $labels.job \"api\" }}yes{{ else }}no{{ end }}") == "no");
  CHECK(expand("{{ if and (lt $value 10.0) (not (eq $value 0.0)) }}small{{ end }}", 3) == "small");
  CHECK(expand("{{ if or $labels.nope $labels.job }}{{ or $labels.nope $labels.job }}{{ end }}") == "api");
  CHECK(expand("{{ if le 1 2 }}a{{ end }}{{ if lt \"a\" \"b\" }}b{{ end }}") == "ab");
}

TEST_CASE("comparing an int with a float is an error, as in Go") {
  CHECK(expand("{{ if gt $value 0 }}x{{ end }}", 1).find("incompatible types for comparison") != std::string::npos);
  CHECK(expand("{{ if gt $value 0.0 }}x{{ end }}", 1) == "x");
  CHECK(expand("{{ if eq \"a\" 1 }}x{{ end }}").find("incompatible types for comparison") != std::string::npos);
}

TEST_CASE("range iterates maps in key order, binding key and value") {
  CHECK(expand("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}") == "instance=host:9090;job=api;");
  CHECK(expand("{{ range $labels }}[{{ . }}]{{ end }}") == "[host:9090][api]");
  CHECK(expand("{{ range $labels }}x{{ else }}empty{{ end }}", 0, {}) == "empty");
  CHECK(expand("{{ with $labels.job }}job={{ . }}{{ end }}") == "job=api");
  CHECK(expand("{{ len $labels }} {{ index $labels \"job\" }}") == "2 api");
}

TEST_CASE("parse errors read like Go's and are caught when rules load") {
  const auto undefined = check_alert_template("InstanceDown", "Instance {{ $label.foo }} down");
  REQUIRE(undefined);
  CHECK(*undefined == "template: __alert_InstanceDown:1: undefined variable \"$label\"");
  const auto unknown_fn = check_alert_template("X", "{{ $value | humanise }}");
  REQUIRE(unknown_fn);
  CHECK(*unknown_fn == "template: __alert_X:1: function \"humanise\" not defined");
  CHECK(check_alert_template("X", "{{ if $value }}unclosed"));
  CHECK(check_alert_template("X", "{{ end }}"));
  CHECK(check_alert_template("X", "line1\n{{ $nope }}").value_or("").find(":2: undefined variable") != std::string::npos);
  CHECK_FALSE(check_alert_template("X", "{{ $value | humanize }} {{ $labels.job }}"));
  CHECK_FALSE(check_alert_template("X", "{{ query \"up\" }}"));  // parses; fails only when executed
}

TEST_CASE("execution errors replace the text as Prometheus does") {
  CHECK(expand("{{ humanize \"abc\" }}").rfind("<error expanding template: ", 0) == 0);
  CHECK(expand("{{ query \"up\" }}").find("not supported") != std::string::npos);
}

namespace {

/// `text` expanded for alert TestAlert, with Prometheus' prefix for an execution error removed.
std::string exec_error(const std::string& text) {
  const std::string prefix = "<error expanding template: error executing template __alert_TestAlert: ";
  const std::string out = expand(text);
  INFO(out);
  REQUIRE(out.rfind(prefix, 0) == 0);
  REQUIRE(out.back() == '>');
  return out.substr(prefix.size(), out.size() - prefix.size() - 1);
}

std::string nested(const std::string& open, int depth, const std::string& close) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += open;
  out += "x";
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

}  // namespace

TEST_CASE("every execution error reads as Prometheus': error executing template, Go's message") {
  const std::string at = "template: __alert_TestAlert:1: executing \"__alert_TestAlert\" ";
  CHECK(exec_error("{{ humanize \"abc\" }}") ==
        at + "at <humanize>: error calling humanize: strconv.ParseFloat: parsing \"abc\": invalid syntax");
  // A function used as an argument is called with no arguments; that error used to escape expand().
  CHECK(exec_error("{{print printf}}") == at + "at <printf>: wrong number of args for printf: want at least 1 got 0");
  CHECK(exec_error("{{ humanize }}") == at + "at <humanize>: wrong number of args for humanize: want 1 got 0");
  CHECK(exec_error("{{ printf 1 }}") == at + "at <printf>: error calling printf: wrong type for value; expected string");
  CHECK(exec_error("{{ index 1 2 }}") == at + "at <index>: error calling index: can't index item of type int");
  CHECK(expand("{{ index (args 1 2) \"5\" }}") == "");  // a missing key reads as "" (missingkey=zero)
  CHECK(exec_error("{{ query \"up\" }}") ==
        at + "at <query>: error calling query: query is not supported by alertd templates (no PromQL access from "
             "templates)");
}

TEST_CASE("a parse error kept from loading expands as Prometheus' error parsing template") {
  CHECK(expand("{{ $nope }}") ==
        "<error expanding template: error parsing template __alert_TestAlert: template: __alert_TestAlert:1: "
        "undefined variable \"$nope\">");
}

TEST_CASE("template expansions and their failures are counted") {
  const TemplateExpansionCounts before = template_expansion_counts();
  expand("static text");  // no actions: no expansion
  expand("{{ $value }}");
  expand("{{ humanize \"abc\" }}");
  const TemplateExpansionCounts after = template_expansion_counts();
  CHECK(after.total - before.total == 2);
  CHECK(after.failures - before.failures == 1);
}

TEST_CASE("nesting deeper than the limit is a parse error, so check rules reports it") {
  CHECK_FALSE(check_alert_template("X", nested("{{ if true }}", kTemplateMaxNesting, "{{ end }}")));
  CHECK(check_alert_template("X", nested("{{ if true }}", kTemplateMaxNesting + 1, "{{ end }}")) ==
        "template: __alert_X:1: nesting deeper than 100 levels");
  CHECK(check_alert_template("X", nested("{{ range $labels }}", kTemplateMaxNesting + 1, "{{ end }}")) ==
        "template: __alert_X:1: nesting deeper than 100 levels");
  CHECK(check_alert_template("X", "{{ " + nested("(", kTemplateMaxNesting + 1, ")") + " }}") ==
        "template: __alert_X:1: nesting deeper than 100 levels");
  CHECK(expand(nested("{{ if true }}", kTemplateMaxNesting, "{{ end }}")) == "x");
}

TEST_CASE("output, function results and steps are bounded with a clear error") {
  const std::string at = "template: __alert_TestAlert:1: executing \"__alert_TestAlert\": ";
  CHECK(exec_error("{{ range 100000 }}{{ printf \"%020d\" 0 }}{{ end }}") == at + "output exceeds 1048576 bytes");
  CHECK(exec_error("{{ $x := \"ab\" }}{{ range 64 }}{{ $x = printf \"%s%s\" $x $x }}{{ end }}") ==
        "template: __alert_TestAlert:1: executing \"__alert_TestAlert\" at <printf>: function results exceed 8388608 "
        "bytes");
  CHECK(exec_error("{{ range 1000000000 }}{{ end }}") == at + "expansion exceeds 1000000 steps (nodes and range iterations)");
  // Go's fmt: a width past a million is overflow, read as a missing verb rather than padding.
  CHECK(expand("{{ printf \"%20000000d\" 1 }}") == "%!(NOVERB)%!(EXTRA int=1)");
  CHECK(expand("{{ printf \"%.20000000f\" 1.5 }}") == "%!(NOVERB)%!(EXTRA float64=1.5)");
  CHECK(expand("{{ printf \"%5d|%-4s|\" 42 \"ab\" }}") == "   42|ab  |");
}

TEST_CASE("a template may produce bytes that are not UTF-8; they are kept as produced") {
  CHECK(expand("{{ \"\\xff\" }}") == "\xff");
}

namespace {

std::string run_am(const std::string& text, const TemplateValue& dot = TemplateValue()) {
  return Template::parse("am", text, TemplateFunctions::alertmanager).execute(dot);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("define and template call a named template with the pipeline's value as dot") {
  CHECK(run("{{ define \"greet\" }}hello {{ . }}{{ end }}{{ template \"greet\" \"world\" }}!") == "hello world!");
  CHECK(run("{{ define \"nil\" }}[{{ . }}]{{ end }}{{ template \"nil\" }}") == "[<no value>]");
  // A defined template has its own scope: only $, which is its dot.
  CHECK(run("{{ define \"d\" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template \"d\" 2 }}{{ $x }}") == "21");
  CHECK(error_of([] { run("{{ define \"d\" }}{{ $x }}{{ end }}{{ $x := 1 }}"); }) ==
        "template: test:1: undefined variable \"$x\"");
  // Templates call each other in any order of definition.
  CHECK(run("{{ template \"a\" 3 }}{{ define \"a\" }}a{{ template \"b\" . }}{{ end }}{{ define \"b\" }}b{{ . }}{{ end }}") ==
        "ab3");
}

TEST_CASE("block defines a template and executes it in place") {
  CHECK(run("<{{ block \"list\" . }}{{ range . }}{{ . }},{{ end }}{{ end }}>",
            TemplateValue(TemplateValue::List{TemplateValue(1), TemplateValue(2)})) == "<1,2,>");
  CHECK(error_of([] { run("{{ block \"b\" }}x{{ end }}"); }) == "template: test:1: missing value for block clause");
}

TEST_CASE("define, template and block errors read like Go's") {
  CHECK(error_of([] { run("{{ template \"nope\" . }}"); }) ==
        "template: test:1: executing \"test\": template \"nope\" not defined");
  CHECK(error_of([] { run("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}"); }) ==
        "template: test:1: template: multiple definition of template \"a\"");
  CHECK(error_of([] { run("{{ if 1 }}{{ define \"a\" }}x{{ end }}{{ end }}"); }) ==
        "template: test:1: unexpected <define> in command");
  CHECK(error_of([] { run("{{ template nope }}"); }) == "template: test:1: unexpected \"nope\" in template clause");
  // An empty definition does not replace a non-empty one.
  CHECK(run("{{ define \"a\" }}x{{ end }}{{ define \"a\" }} {{ end }}{{ template \"a\" }}") == "x");
  // The error names the template that failed and the text it came from.
  CHECK(error_of([] { run("{{ define \"inner\" }}\n{{ len 3 }}{{ end }}{{ template \"inner\" }}"); }) ==
        "template: test:2: executing \"inner\" at <len>: error calling len: len of type int");
}

TEST_CASE("a template calling itself stops at the depth limit instead of exhausting the stack") {
  CHECK(error_of([] { run("{{ define \"loop\" }}{{ template \"loop\" . }}{{ end }}{{ template \"loop\" 1 }}"); }) ==
        "template: test:1: executing \"loop\": exceeded maximum template depth (256)");
  // Recursion that ends within the limit works: one "x" per level of a nested map.
  TemplateValue nested = TemplateValue(TemplateValue::Map{{"end", TemplateValue(true)}});
  for (int i = 0; i < 10; ++i) nested = TemplateValue(TemplateValue::Map{{"next", nested}});
  CHECK(run("{{ define \"r\" }}{{ with .next }}x{{ template \"r\" . }}{{ end }}{{ end }}{{ template \"r\" . }}", nested) ==
        "xxxxxxxxxx");
}

TEST_CASE("Alertmanager's template functions: join, stringSlice, trimSpace, toUpper, match, reReplaceAll, safeHtml") {
  CHECK(run_am("{{ stringSlice \"a\" \"b\" \"c\" | join \", \" }}") == "a, b, c");
  CHECK(run_am("[{{ trimSpace \"  \\t x y \\n\" }}]") == "[x y]");
  CHECK(run_am("{{ toUpper \"firing\" }} {{ toLower \"ABC\" }} {{ title \"hello world\" }}") == "FIRING abc Hello World");
  CHECK(run_am("{{ if match \"^web-[0-9]+$\" \"web-12\" }}yes{{ end }}") == "yes");
  CHECK(run_am("{{ reReplaceAll \"(.*):.*\" \"$1\" \"host:9090\" }}") == "host");
  CHECK(run_am("{{ safeHtml \"<b>\" }}") == "<b>");
  CHECK(run_am("{{ len (stringSlice) }}") == "0");
  CHECK(error_of([] { run_am("{{ join \",\" \"ab\" }}"); }) ==
        "template: am:1: executing \"am\" at <join>: error calling join: wrong type for value; expected []string; got string");
  // Prometheus' functions are not Alertmanager's, and the other way round, as in each of them.
  CHECK(error_of([] { run_am("{{ humanize 1 }}"); }) == "template: am:1: function \"humanize\" not defined");
  CHECK(error_of([] { run("{{ join \",\" . }}"); }) == "template: test:1: function \"join\" not defined");
}

TEST_CASE("html escaping escapes every printed value except safeHtml's, also in called templates") {
  const Template t = Template::parse(
      "h", "{{ define \"x\" }}<i>{{ . }}</i>{{ end }}<p>{{ . }}</p>{{ template \"x\" . }}{{ safeHtml \"<br>\" }}",
      TemplateFunctions::alertmanager);
  ExecuteOptions html;
  html.escape_html = true;
  CHECK(t.execute(TemplateValue("a<b & \"c\""), html) ==
        "<p>a&lt;b &amp; &#34;c&#34;</p><i>a&lt;b &amp; &#34;c&#34;</i><br>");
  CHECK(t.execute(TemplateValue("a<b")) == "<p>a<b</p><i>a<b</i><br>");
}

TEST_CASE("methods of a typed value answer fields and take arguments; a struct's unknown field is an error") {
  auto type = std::make_shared<TemplateType>();
  type->name = "*test.T";
  type->is_struct = true;
  type->methods["Twice"] = [](const TemplateValue& self, const std::vector<TemplateValue>& args) {
    if (!args.empty()) throw std::runtime_error("wrong number of args for Twice: want 0 got " + std::to_string(args.size()));
    return TemplateValue(self.as_map().at("N").as_int() * 2);
  };
  type->methods["Plus"] = [](const TemplateValue& self, const std::vector<TemplateValue>& args) {
    return TemplateValue(self.as_map().at("N").as_int() + args.at(0).as_int());
  };
  const TemplateValue v = TemplateValue(TemplateValue::Map{{"N", TemplateValue(21)}}).with_type(type);
  CHECK(run_am("{{ .N }} {{ .Twice }} {{ .Plus 1 }} {{ 2 | .Plus }}", v) == "21 42 22 23");
  CHECK(error_of([&] { run_am("{{ .Nope }}", v); }) ==
        "template: am:1: executing \"am\" at <.Nope>: can't evaluate field Nope in type *test.T");
  CHECK(error_of([&] { run_am("{{ .N 1 }}", v); }) ==
        "template: am:1: executing \"am\" at <.N>: N has arguments but cannot be invoked as function");
  CHECK(error_of([] { run("{{ .a 1 }}", TemplateValue(TemplateValue::Map{{"a", TemplateValue(1)}})); }) ==
        "template: test:1: executing \"test\" at <.a>: a is not a method but has arguments");
  CHECK(error_of([&] { run_am("{{ .Twice 1 }}", v); }) ==
        "template: am:1: executing \"am\" at <.Twice>: wrong number of args for Twice: want 0 got 1");
}

TEST_CASE("alert templates may define and call templates, as Prometheus' do") {
  CHECK(expand("{{ define \"inst\" }}{{ .instance }}{{ end }}on {{ template \"inst\" $labels }}") == "on host:9090");
}
