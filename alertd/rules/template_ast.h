#pragma once
// The parse tree of a Go text/template (internal to the template engine).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alertd/rules/template_value.h"

namespace twikit::rules::tmpl {

struct Pipe;

/// One operand of a command: a literal, `.`, `.Field.Chain`, `$var.Chain`, a function name or `( pipe )`.
struct Operand {
  /// What the operand is.
  enum class Kind { literal, dot, field, variable, function, pipe };
  /// The kind.
  Kind kind = Kind::literal;
  /// The literal value (Kind::literal).
  TemplateValue literal;
  /// Variable or function name (with the leading `$` for variables).
  std::string name;
  /// Field names applied after the base (`.a.b`, `$x.a`, `(pipe).a`).
  std::vector<std::string> fields;
  /// The parenthesised pipeline (Kind::pipe).
  std::shared_ptr<Pipe> pipe;
};

/// A command: a function with arguments, or a single operand.
struct Command {
  /// The operands, first one possibly a function.
  std::vector<Operand> operands;
};

/// A pipeline with optional variable declarations (`$x :=`) or assignment (`$x =`).
struct Pipe {
  /// Declared or assigned variable names, with `$`.
  std::vector<std::string> variables;
  /// Whether the variables are assigned (`=`) rather than declared (`:=`).
  bool is_assign = false;
  /// The commands, joined by `|`.
  std::vector<Command> commands;
  /// 1-based line of the action, for error messages.
  int line = 1;
};

/// A node of the tree: text, an action, or a control structure with its branches.
struct Node {
  /// What the node is.
  enum class Kind { text, action, if_, range, with, break_, continue_, template_ };
  /// The kind.
  Kind kind = Kind::text;
  /// Text (Kind::text), or the name of the template called (Kind::template_).
  std::string text;
  /// The pipeline of an action or control structure; for Kind::template_ the argument, or nullptr (nil).
  std::shared_ptr<Pipe> pipe;
  /// The branch taken when the pipeline is true / non-empty.
  std::vector<Node> list;
  /// The `else` branch.
  std::vector<Node> else_list;
  /// 1-based line, for error messages.
  int line = 1;
};

/// A named template: one `{{define}}` or `{{block}}`, or the main text of a parse.
struct Tree {
  /// The name of the text it was parsed from (a file name), for error positions.
  std::string parse_name;
  /// Its nodes.
  std::vector<Node> root;
};

/// Templates by name; a parse or a template set shares them immutably.
using Trees = std::map<std::string, std::shared_ptr<const Tree>>;

/// Whether a tree has no output but white space (Go's parse.IsEmptyTree): such a definition never replaces
/// an earlier one of the same name.
bool is_empty_tree(const std::vector<Node>& root);

}  // namespace twikit::rules::tmpl
