#include "alertd/notify/template_model.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "alertd/notify/go_time_format.h"
#include "alertd/notify/template_data.h"

namespace twikit::notify {

namespace {

using rules::TemplateType;
using rules::TemplateValue;
using Args = std::vector<TemplateValue>;

void no_args(const Args& args, const char* method) {
  if (!args.empty()) {
    throw std::runtime_error(std::string("wrong number of args for ") + method + ": want 0 got " +
                             std::to_string(args.size()));
  }
}

// Alertmanager sorts pairs by name with alertname first.
std::vector<std::string> sorted_names(const TemplateValue::Map& kv) {
  std::vector<std::string> names;
  names.reserve(kv.size());
  if (kv.count("alertname")) names.emplace_back("alertname");
  for (const auto& entry : kv) {
    if (entry.first != "alertname") names.push_back(entry.first);
  }
  return names;
}

TemplateValue names_of(const TemplateValue& pairs, const char* field) {
  TemplateValue::List out;
  for (const auto& p : pairs.as_list()) out.push_back(p.as_map().at(field));
  return TemplateValue(std::move(out));
}

const std::shared_ptr<const TemplateType>& pair_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{"template.Pair", {}, true});
  return type;
}

const std::shared_ptr<const TemplateType>& pairs_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{
      "template.Pairs",
      {{"Names", [](const TemplateValue& self, const Args& a) { return no_args(a, "Names"), names_of(self, "Name"); }},
       {"Values",
        [](const TemplateValue& self, const Args& a) { return no_args(a, "Values"), names_of(self, "Value"); }}},
      false});
  return type;
}

TemplateValue sorted_pairs(const TemplateValue& kv) {
  TemplateValue::List pairs;
  for (const auto& name : sorted_names(kv.as_map())) {
    TemplateValue::Map pair{{"Name", TemplateValue(name)}, {"Value", kv.as_map().at(name)}};
    pairs.push_back(TemplateValue(std::move(pair)).with_type(pair_type()));
  }
  return TemplateValue(std::move(pairs)).with_type(pairs_type());
}

const std::shared_ptr<const TemplateType>& kv_type();

TemplateValue remove_keys(const TemplateValue& kv, const Args& a) {
  if (a.size() != 1) throw std::runtime_error("wrong number of args for Remove: want 1 got " + std::to_string(a.size()));
  if (!a[0].is_list()) throw std::runtime_error("wrong type for value; expected []string; got " + a[0].type_name());
  TemplateValue::Map out = kv.as_map();
  for (const auto& key : a[0].as_list()) {
    if (key.is_string()) out.erase(key.as_string());
  }
  return TemplateValue(std::move(out)).with_type(kv_type());
}

const std::shared_ptr<const TemplateType>& kv_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{
      "template.KV",
      {{"SortedPairs", [](const TemplateValue& self, const Args& a) { return no_args(a, "SortedPairs"), sorted_pairs(self); }},
       {"Names",
        [](const TemplateValue& self, const Args& a) { return no_args(a, "Names"), names_of(sorted_pairs(self), "Name"); }},
       {"Values",
        [](const TemplateValue& self, const Args& a) {
          return no_args(a, "Values"), names_of(sorted_pairs(self), "Value");
        }},
       {"Remove", remove_keys}},
      false});
  return type;
}

TemplateValue alerts_with_status(const TemplateValue& alerts, const char* status) {
  TemplateValue::List out;
  for (const auto& a : alerts.as_list()) {
    if (a.as_map().at("Status").as_string() == status) out.push_back(a);
  }
  return TemplateValue(std::move(out));
}

const std::shared_ptr<const TemplateType>& alerts_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{
      "template.Alerts",
      {{"Firing",
        [](const TemplateValue& self, const Args& a) { return no_args(a, "Firing"), alerts_with_status(self, "firing"); }},
       {"Resolved",
        [](const TemplateValue& self, const Args& a) {
          return no_args(a, "Resolved"), alerts_with_status(self, "resolved");
        }}},
      false});
  return type;
}

const std::shared_ptr<const TemplateType>& time_type();

// A time value is kept as its String() form, which every method reads back.
GoTime time_of(const TemplateValue& self) {
  const auto t = self.is_string() ? parse_go_time_string(self.as_string()) : std::nullopt;
  if (!t) throw std::runtime_error("invalid time.Time value");
  return *t;
}

TemplateValue time_value(const GoTime& t) { return TemplateValue(go_time_string(t)).with_type(time_type()); }

// A method of time.Time without arguments returning an int.
TemplateType::Method int_method(const char* name, std::int64_t (*get)(const GoTime&)) {
  return [name, get](const TemplateValue& self, const Args& a) {
    no_args(a, name);
    return TemplateValue(get(time_of(self)));
  };
}

std::int64_t layout_number(const GoTime& t, const char* layout) { return std::stoll(go_time_format(t, layout)); }

// The methods of Go's time.Time that templates call: Format with Go's layouts, the Unix clocks, UTC and
// Local, and the calendar fields that are plain ints.
const std::shared_ptr<const TemplateType>& time_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{
      "time.Time",
      {{"Format",
        [](const TemplateValue& self, const Args& a) {
          if (a.size() != 1) {
            throw std::runtime_error("wrong number of args for Format: want 1 got " + std::to_string(a.size()));
          }
          if (!a[0].is_string()) throw std::runtime_error("wrong type for value; expected string; got " + a[0].type_name());
          return TemplateValue(go_time_format(time_of(self), a[0].as_string()));
        }},
       {"String", [](const TemplateValue& self, const Args& a) { return no_args(a, "String"), TemplateValue(go_time_string(time_of(self))); }},
       {"UTC",
        [](const TemplateValue& self, const Args& a) {
          no_args(a, "UTC");
          GoTime t = time_of(self);
          t.offset_seconds = 0;
          t.zone = "UTC";
          return time_value(t);
        }},
       {"Local", [](const TemplateValue& self, const Args& a) { return no_args(a, "Local"), time_value(go_time_local(time_of(self))); }},
       {"IsZero",
        [](const TemplateValue& self, const Args& a) {
          no_args(a, "IsZero");
          const GoTime t = time_of(self);
          return TemplateValue(t.unix_seconds == go_time_from_ms(0).unix_seconds && t.nanos == 0);
        }},
       {"Unix", int_method("Unix", [](const GoTime& t) { return t.unix_seconds; })},
       {"UnixMilli", int_method("UnixMilli", [](const GoTime& t) { return t.unix_seconds * 1000 + t.nanos / 1'000'000; })},
       {"Year", int_method("Year", [](const GoTime& t) { return layout_number(t, "2006"); })},
       {"YearDay", int_method("YearDay", [](const GoTime& t) { return layout_number(t, "002"); })},
       {"Day", int_method("Day", [](const GoTime& t) { return layout_number(t, "2"); })},
       {"Hour", int_method("Hour", [](const GoTime& t) { return layout_number(t, "15"); })},
       {"Minute", int_method("Minute", [](const GoTime& t) { return layout_number(t, "4"); })},
       {"Second", int_method("Second", [](const GoTime& t) { return layout_number(t, "5"); })},
       {"Nanosecond", int_method("Nanosecond", [](const GoTime& t) { return static_cast<std::int64_t>(t.nanos); })}},
      false});
  return type;
}

const std::shared_ptr<const TemplateType>& alert_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{"template.Alert", {}, true});
  return type;
}

const std::shared_ptr<const TemplateType>& data_type() {
  static const auto type = std::make_shared<const TemplateType>(TemplateType{"*template.Data", {}, true});
  return type;
}

TemplateValue alert_value(const Alert& a, TimestampMs now) {
  TemplateValue::Map m;
  m.emplace("Status", TemplateValue(alert_status(a, now)));
  m.emplace("Labels", template_kv(a.labels));
  m.emplace("Annotations", template_kv(a.annotations));
  m.emplace("StartsAt", TemplateValue(go_time_string(a.starts_at)).with_type(time_type()));
  m.emplace("EndsAt", TemplateValue(go_time_string(a.ends_at)).with_type(time_type()));
  m.emplace("GeneratorURL", TemplateValue(a.generator_url));
  m.emplace("Fingerprint", TemplateValue(fingerprint_hex(fingerprint(a))));
  return TemplateValue(std::move(m)).with_type(alert_type());
}

}  // namespace

std::string go_time_string(TimestampMs ms) { return go_time_string(go_time_from_ms(ms)); }

TemplateValue template_kv(const Labels& labels) {
  TemplateValue::Map m;
  for (const auto& [k, v] : labels) m.emplace(k, TemplateValue(v));
  return TemplateValue(std::move(m)).with_type(kv_type());
}

TemplateValue notification_template_data(const Notification& n) {
  const TemplateData facts = template_data(n);
  TemplateValue::List alerts;
  for (const auto& a : n.alerts) alerts.push_back(alert_value(a, n.now));
  TemplateValue::Map m;
  m.emplace("Receiver", TemplateValue(n.receiver));
  m.emplace("Status", TemplateValue(facts.status));
  m.emplace("Alerts", TemplateValue(std::move(alerts)).with_type(alerts_type()));
  m.emplace("GroupLabels", template_kv(n.group_labels));
  m.emplace("CommonLabels", template_kv(facts.common_labels));
  m.emplace("CommonAnnotations", template_kv(facts.common_annotations));
  m.emplace("ExternalURL", TemplateValue(n.external_url));
  m.emplace("GroupKey", TemplateValue(n.group_key));
  return TemplateValue(std::move(m)).with_type(data_type());
}

}  // namespace twikit::notify
