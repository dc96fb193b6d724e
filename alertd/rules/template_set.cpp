#include "alertd/rules/template_set.h"

#include "alertd/rules/template_ast.h"

namespace twikit::rules {

TemplateSet::TemplateSet(TemplateFunctions functions)
    : functions_(functions), trees_(std::make_shared<const tmpl::Trees>()) {}

void TemplateSet::add(const std::string& parse_name, const std::string& text) {
  const Template parsed = Template::parse(parse_name, text, functions_);
  auto merged = std::make_shared<tmpl::Trees>(*trees_);
  for (const auto& [name, tree] : *parsed.defined_) {
    const auto it = merged->find(name);
    if (it != merged->end() && tmpl::is_empty_tree(tree->root)) continue;
    (*merged)[name] = tree;
  }
  trees_ = std::move(merged);
}

bool TemplateSet::contains(const std::string& name) const { return trees_->count(name) > 0; }

Template TemplateSet::parse(const std::string& name, const std::string& text) const {
  Template t = Template::parse(name, text, functions_);
  if (!t.defined_->empty()) {
    auto merged = std::make_shared<tmpl::Trees>(*trees_);
    for (const auto& [defined_name, tree] : *t.defined_) (*merged)[defined_name] = tree;
    t.defined_ = std::move(merged);
  } else {
    t.defined_ = trees_;
  }
  return t;
}

std::string TemplateSet::execute(const std::string& name, const TemplateValue& dot,
                                 const ExecuteOptions& options) const {
  const auto it = trees_->find(name);
  if (it == trees_->end()) throw TemplateError("template: no template \"" + name + "\" associated with template set");
  Template t;
  t.name_ = name;
  t.functions_ = functions_;
  t.root_ = it->second;
  t.defined_ = trees_;
  return t.execute(dot, options);
}

}  // namespace twikit::rules
