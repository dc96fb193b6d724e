#include "alertd/app/routes_command.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "alertd/config/config.h"
#include "alertd/dispatch/route.h"
#include "alertd/notify/matcher.h"

namespace twikit::app {
namespace {

constexpr std::string_view kBranch = "├── ";
constexpr std::string_view kLast = "└── ";
constexpr std::string_view kPipe = "│\u00a0\u00a0 ";  // amtool draws the continuation with two no-break spaces
constexpr std::string_view kSpace = "    ";

/// A route as amtool names it in a tree: "default-route" for the root, its sorted matchers below.
std::string route_label(const dispatch::RouteNode& node, bool root) {
  if (root) return "default-route";
  std::string out = "{";
  for (std::size_t i = 0; i < node.config->matchers.size(); ++i) {
    if (i > 0) out += ",";
    out += node.config->matchers[i].to_string();
  }
  return out + "}";
}

/// Whether `node` is, or leads to, one of `matched`.
bool leads_to(const dispatch::RouteNode& node, const std::vector<const dispatch::RouteNode*>& matched) {
  // Iterative, so that no tree depth can exhaust the stack.
  std::vector<const dispatch::RouteNode*> todo{&node};
  while (!todo.empty()) {
    const dispatch::RouteNode* n = todo.back();
    todo.pop_back();
    for (const auto* m : matched) {
      if (m == n) return true;
    }
    for (const auto& child : n->children) todo.push_back(&child);
  }
  return false;
}

/// Prints the tree under `root` as amtool does: every route with its continue flag and receiver (`show`),
/// or only the paths to `matched` with the receiver on the matched routes (`test --tree`).
void print_tree(std::ostream& out, const dispatch::RouteNode& root, const std::vector<const dispatch::RouteNode*>* matched) {
  struct Item {
    const dispatch::RouteNode* node;
    std::string prefix;  // drawn before the connector
    bool last;
    bool root;
  };
  out << ".\n";
  std::vector<Item> todo{{&root, "", true, true}};
  while (!todo.empty()) {
    const Item item = todo.back();
    todo.pop_back();
    const auto& node = *item.node;
    out << item.prefix << (item.last ? kLast : kBranch) << route_label(node, item.root);
    const bool is_match = matched != nullptr && std::find(matched->begin(), matched->end(), &node) != matched->end();
    if (matched == nullptr) {
      if (node.config->continue_matching) out << "  continue: true";
      out << "  receiver: " << node.config->receiver;
    } else if (is_match) {
      out << "  receiver: " << node.config->receiver;
    }
    out << "\n";
    std::vector<const dispatch::RouteNode*> children;
    for (const auto& child : node.children) {
      if (matched == nullptr || leads_to(child, *matched)) children.push_back(&child);
    }
    const std::string child_prefix = item.prefix + std::string(item.last ? kSpace : kPipe);
    for (std::size_t i = children.size(); i-- > 0;) {
      todo.push_back({children[i], child_prefix, i + 1 == children.size(), false});
    }
  }
}

/// The value of `--name=value` or `--name value` at args[i] (advancing i past a separate value).
bool flag_value(const std::vector<std::string>& args, std::size_t& i, const std::string& name, std::string& value) {
  const std::string& a = args[i];
  if (a.rfind(name + "=", 0) == 0) {
    value = a.substr(name.size() + 1);
    return true;
  }
  if (a == name && i + 1 < args.size()) {
    value = args[++i];
    return true;
  }
  return false;
}

}  // namespace

int routes_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::size_t i = 0;
  std::string mode = "show";
  if (!args.empty() && (args[0] == "show" || args[0] == "test")) mode = args[i++];
  std::string file = "alertd.yaml";
  std::string verify;
  bool verify_set = false;
  bool tree = false;
  Labels labels;
  for (; i < args.size(); ++i) {
    std::string value;
    if (flag_value(args, i, "--config.file", value)) {
      file = value;
    } else if (mode == "test" && flag_value(args, i, "--verify.receivers", value)) {
      verify = value;
      verify_set = true;
    } else if (mode == "test" && args[i] == "--tree") {
      tree = true;
    } else if (args[i].rfind("--", 0) == 0) {
      err << "alertd config routes " << mode << ": unknown flag \"" << args[i] << "\"\n";
      return 1;
    } else if (mode == "test") {
      try {
        const notify::Matcher m = notify::parse_matcher(args[i]);
        if (m.op() != notify::Matcher::Op::equal) throw std::invalid_argument("only name=value labels can be tested");
        labels.emplace_back(m.name(), m.value());
      } catch (const std::exception& e) {
        err << "alertd config routes test: bad label \"" << args[i] << "\": " << e.what() << "\n";
        return 1;
      }
    } else {
      err << "usage: alertd config routes [show] [--config.file=FILE]\n"
             "       alertd config routes test [--config.file=FILE] [--tree] [--verify.receivers=R1,R2] [LABEL=VALUE...]\n";
      return 1;
    }
  }
  config::AlertdConfig cfg;
  try {
    // Routing needs no scrape targets or rule files: an Alertmanager-only file is fine here.
    config::LoadOptions options;
    options.allow_empty = true;
    cfg = config::load_config_file(file, options);
  } catch (const std::exception& e) {
    err << "alertd config routes: " << e.what() << "\n";
    return 1;
  }
  const dispatch::RouteNode root = dispatch::build_route_tree(cfg.notification.route);
  if (mode == "show") {
    out << "Routing tree:\n";
    print_tree(out, root, nullptr);
    out << "\n";
    return 0;
  }
  const auto matched = dispatch::match_routes(root, make_labels(std::move(labels)));
  std::string receivers;
  for (const auto* route : matched) {
    if (!receivers.empty()) receivers += ",";
    receivers += route->config->receiver;
  }
  if (tree) {
    out << "Matching routes:\n";
    print_tree(out, root, &matched);
    out << "\n\n";
  }
  out << receivers << "\n";
  if (verify_set && verify != receivers) {
    out << "WARNING: Expected receivers did not match resolved receivers.\n";
    return 1;
  }
  return 0;
}

}  // namespace twikit::app
