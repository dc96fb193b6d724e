#include "alertd/notify/default_templates.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace twikit::notify {

namespace {

// Written for alertd; it renders what Alertmanager's default.tmpl renders for the same names, except where
// alertd keeps its own look: the Slack colour by the four severities, the Slack text listing each alert,
// the email subject naming the highest severity, and a plain-text email part.
const char* const kDefaultTemplates = R"TMPL(
{{- define "__alertmanager" }}alertd{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}

{{- /* "[FIRING:2] <group label values> (<other common label values>)", as Alertmanager titles a group;
       alertd: an escalation step's alerts (label escalation_level) start with "[ESCALATED] " and leave the
       level out of the values. */ -}}
{{- define "__subject" -}}
{{ if .CommonLabels.escalation_level }}[ESCALATED] {{ end -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] {{ with .GroupLabels.Remove (stringSlice "escalation_level") }}{{ join " " .SortedPairs.Values }}{{ end }} {{ if gt (len .CommonLabels) (len .GroupLabels) -}}
({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ with .Remove (stringSlice "escalation_level") }}{{ join " " .Values }}{{ end }}{{ end }})
{{- end }}
{{- end }}
{{- define "__description" }}{{ end }}

{{- define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}
{{- define "slack.default.channel" }}{{ end }}

{{- /* alertd: one block per alert with its summary, severity, description, runbook and labels. */ -}}
{{- define "slack.default.text" }}{{ range .Alerts -}}
*Alert:* {{ or .Annotations.summary .Labels.alertname }}{{ with .Labels.severity }} - `{{ . }}`{{ end }}
{{ with .Annotations.description }}*Description:* {{ . }}
{{ end }}{{ with .Annotations.runbook_url }}*Runbook:* <{{ . }}|:spiral_note_pad:>
{{ end }}*Details:*
{{ range $name, $value := .Labels }}  • *{{ $name }}:* `{{ $value }}`
{{ end }}{{ end }}{{ end }}

{{- /* alertd: green when resolved, else by the highest firing severity: red for critical and error, blue for
       info, orange for warning and anything else. */ -}}
{{- define "slack.default.color" -}}
{{ if eq .Status "firing" -}}
{{ $severity := "" }}{{ $danger := false }}{{ $other := false -}}
{{ range .Alerts.Firing -}}
{{ if or (eq .Labels.severity "critical") (eq .Labels.severity "error") }}{{ $danger = true -}}
{{ else if ne .Labels.severity "info" }}{{ $other = true }}{{ end -}}
{{ end -}}
{{ if $danger }}danger{{ else if $other }}warning{{ else }}#439FE0{{ end -}}
{{ else }}good{{ end -}}
{{ end }}

{{- /* alertd: the subject adds the highest severity of the firing alerts (of all alerts when none fires) when
       the alerts do not share one: critical, error, warning, info. */ -}}
{{- define "email.default.subject" -}}
{{ template "__subject" . }}
{{- if not .CommonLabels.severity -}}
{{ $alerts := .Alerts.Firing }}{{ if not $alerts }}{{ $alerts = .Alerts }}{{ end -}}
{{ $rank := 0 }}{{ $severity := "" -}}
{{ range $alerts -}}
{{ if and (eq .Labels.severity "critical") (lt $rank 4) }}{{ $rank = 4 }}{{ $severity = "critical" -}}
{{ else if and (eq .Labels.severity "error") (lt $rank 3) }}{{ $rank = 3 }}{{ $severity = "error" -}}
{{ else if and (eq .Labels.severity "warning") (lt $rank 2) }}{{ $rank = 2 }}{{ $severity = "warning" -}}
{{ else if and (eq .Labels.severity "info") (lt $rank 1) }}{{ $rank = 1 }}{{ $severity = "info" }}{{ end -}}
{{ end -}}
{{ with $severity }}{{ if gt (len $.CommonLabels) (len $.GroupLabels) }} {{ end }}[{{ . }}]{{ end -}}
{{ end -}}
{{ end }}

{{- define "email.default.text" -}}
{{ template "__subject" . }}

{{ with .Alerts.Firing }}{{ len . }} alert(s) firing:

{{ template "__email_text_alert_list" . }}{{ end -}}
{{ with .Alerts.Resolved }}{{ len . }} alert(s) resolved:

{{ template "__email_text_alert_list" . }}{{ end -}}
Sent by {{ template "__alertmanager" . }} ({{ .ExternalURL }})
{{ end }}

{{- define "__email_text_alert_list" }}{{ range . }}- {{ .Labels.alertname }}
  Labels:
{{ range .Labels.SortedPairs }}    {{ .Name }} = {{ .Value }}
{{ end }}{{ if .Annotations }}  Annotations:
{{ range .Annotations.SortedPairs }}    {{ .Name }} = {{ .Value }}
{{ end }}{{ end }}  Started: {{ .StartsAt }}
{{ if eq .Status "resolved" }}  Ended: {{ .EndsAt }}
{{ end }}{{ with .GeneratorURL }}  Source: {{ . }}
{{ end }}
{{ end }}{{ end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>{{ template "__subject" . }}</title></head><body style="font-family:sans-serif">
<h2 style="background:{{ if eq .Status "firing" }}#e45959{{ else }}#68b90f{{ end }};color:#fff;padding:8px">{{ template "__subject" . }}</h2>
{{ range .Alerts -}}
<div style="border:1px solid #ddd;margin:8px 0;padding:8px">
<strong>[{{ .Status }}] {{ .Labels.alertname }}</strong><br>
<table>
{{ range .Annotations.SortedPairs -}}
<tr><td>{{ .Name }}</td><td>{{ if eq .Name "runbook_url" }}<a href="{{ .Value }}">{{ .Value }}</a>{{ else }}{{ .Value }}{{ end }}</td></tr>
{{ end -}}
{{ range .Labels.SortedPairs -}}
<tr><td>{{ .Name }}</td><td><code>{{ .Value }}</code></td></tr>
{{ end -}}
<tr><td>started</td><td>{{ .StartsAt }}</td></tr>
{{ if eq .Status "resolved" }}<tr><td>ended</td><td>{{ .EndsAt }}</td></tr>
{{ end -}}
</table>
{{ with .GeneratorURL }}<a href="{{ . }}">Source</a>
{{ end -}}
</div>
{{ end -}}
<p>Sent by <a href="{{ .ExternalURL }}">{{ template "__alertmanager" . }}</a></p>
</body></html>
{{ end }}
)TMPL";

}  // namespace

const std::string& default_templates_text() {
  static const std::string text = kDefaultTemplates;
  return text;
}

std::shared_ptr<const rules::TemplateSet> default_template_set() {
  static const std::shared_ptr<const rules::TemplateSet> set = [] {
    auto s = std::make_shared<rules::TemplateSet>(rules::TemplateFunctions::alertmanager);
    s->add("default.tmpl", default_templates_text());
    return s;
  }();
  return set;
}

std::shared_ptr<const rules::TemplateSet> load_template_set(const std::vector<std::string>& files) {
  if (files.empty()) return default_template_set();
  auto set = std::make_shared<rules::TemplateSet>(*default_template_set());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read template file " + file);
    std::ostringstream text;
    text << in.rdbuf();
    set->add(file, text.str());
  }
  return set;
}

}  // namespace twikit::notify
