#include "alertd/dispatch/route.h"

namespace twikit::dispatch {

namespace {
std::string matchers_string(const notify::Matchers& matchers) {
  std::string out = "{";
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    if (i) out += ",";
    out += matchers[i].to_string();
  }
  return out + "}";
}

void build(RouteNode& node, const notify::RouteConfig& cfg, const std::string& parent_key, std::size_t index) {
  node.config = &cfg;
  node.key = parent_key.empty() ? "{}" : parent_key + "/" + matchers_string(cfg.matchers);
  node.id = parent_key.empty() ? node.key : node.key + "/" + std::to_string(index);
  node.children.resize(cfg.routes.size());
  for (std::size_t i = 0; i < cfg.routes.size(); ++i) build(node.children[i], cfg.routes[i], node.key, i);
}
}  // namespace

RouteNode build_route_tree(const notify::RouteConfig& root) {
  RouteNode node;
  build(node, root, "", 0);
  return node;
}

std::vector<const RouteNode*> match_routes(const RouteNode& node, const Labels& labels) {
  if (!notify::matches_all(node.config->matchers, labels)) return {};
  std::vector<const RouteNode*> all;
  for (const auto& child : node.children) {
    auto matched = match_routes(child, labels);
    const bool any = !matched.empty();
    all.insert(all.end(), matched.begin(), matched.end());
    if (any && !child.config->continue_matching) break;
  }
  if (all.empty()) all.push_back(&node);
  return all;
}

Labels group_labels(const notify::RouteConfig& route, const Labels& alert_labels) {
  if (route.group_by_all) return alert_labels;
  Labels out;
  for (const auto& name : route.group_by) {
    const std::string& v = label_value(alert_labels, name);
    if (!v.empty()) out.emplace_back(name, v);
  }
  return make_labels(std::move(out));
}

}  // namespace twikit::dispatch
