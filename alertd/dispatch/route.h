#pragma once
// The routing tree: which routes (and so receivers) an alert goes to, with Alertmanager's matching rules.

#include <string>
#include <vector>

#include "alertd/notify/config.h"

namespace twikit::dispatch {

/// A route of the tree with its identity; children are matched in order.
struct RouteNode {
  const notify::RouteConfig* config = nullptr; ///< The route's settings (owned by the NotificationConfig).
  std::string key;                             ///< "{}" for the root, "<parent>/{matchers}" below (groupKey prefix).
  std::string id;                              ///< key plus the child index, unique within the tree.
  std::vector<RouteNode> children;             ///< Child routes in config order.
};

/// Builds the tree over `root` (which must outlive it).
RouteNode build_route_tree(const notify::RouteConfig& root);

/// The routes `labels` go to: the deepest matching routes, siblings after a match only while the matching
/// route has `continue: true`; the route itself when no child matches; nothing when it does not match.
std::vector<const RouteNode*> match_routes(const RouteNode& node, const Labels& labels);

/// The labels an alert is grouped by on `route` (all labels for group_by '...').
Labels group_labels(const notify::RouteConfig& route, const Labels& alert_labels);

}  // namespace twikit::dispatch
