// The parser of Go text/template (over template_lex's tokens), following text/template/parse closely enough
// that the same templates are accepted and rejected (undefined variables and functions are parse errors).

#include <cstdlib>

#include "alertd/rules/template.h"
#include "alertd/rules/template_ast.h"
#include "alertd/rules/template_lex.h"

namespace twikit::rules {

namespace {

using tmpl::Command;
using tmpl::Node;
using tmpl::Operand;
using tmpl::Pipe;
using tmpl::Tok;
using tmpl::Token;

class Parser {
 public:
  Parser(std::string name, std::vector<Token> tokens, TemplateFunctions functions)
      : name_(std::move(name)), toks_(std::move(tokens)), functions_(functions) {
    vars_.push_back("$");
  }

  std::vector<Node> parse() {
    std::vector<Node> list;
    const std::string end = item_list(list);
    if (!end.empty()) fail("unexpected {{" + end + "}}");
    return list;
  }

  /// The templates `{{define}}` and `{{block}}` named, after parse().
  tmpl::Trees& defined() { return defined_; }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw TemplateError("template: " + name_ + ":" + std::to_string(peek_raw().line) + ": " + msg);
  }

  // Counts one level of nesting for as long as it lives; the parser (and so the executor) recurses
  // once per level, so this bounds both.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kTemplateMaxNesting) {
        p_.fail("nesting deeper than " + std::to_string(kTemplateMaxNesting) + " levels");
      }
    }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& p_;
  };

  const Token& peek_raw() const { return toks_[std::min(pos_, toks_.size() - 1)]; }
  const Token& next_raw() { return toks_[std::min(pos_++, toks_.size() - 1)]; }
  // Next token skipping spaces.
  const Token& peek() {
    while (peek_raw().type == Tok::space) ++pos_;
    return peek_raw();
  }
  const Token& next() {
    peek();
    return next_raw();
  }
  void expect(Tok type, const std::string& context) {
    const Token& t = next();
    if (t.type != type) fail("unexpected \"" + t.text + "\" in " + context);
  }

  // Parses nodes until {{end}} or {{else ...}}; returns "end", "else" or "" at EOF.
  std::string item_list(std::vector<Node>& out) {
    for (;;) {
      const Token& t = next_raw();
      if (t.type == Tok::eof) return "";
      if (t.type == Tok::text) {
        out.push_back(Node{Node::Kind::text, t.text, nullptr, {}, {}, t.line});
        continue;
      }
      if (t.type != Tok::left) fail("unexpected " + t.text);
      const Token& k = peek();
      if (k.type == Tok::ident) {
        const std::string kw = k.text;
        const int line = k.line;
        if (kw == "end" || kw == "else") {
          next();
          if (kw == "end") expect(Tok::right, "end");
          return kw;
        }
        if (kw == "if" || kw == "range" || kw == "with") {
          next();
          out.push_back(control(kw, line));
          continue;
        }
        if (kw == "break" || kw == "continue") {
          next();
          if (range_depth_ == 0) fail("{{" + kw + "}} outside {{range}}");
          expect(Tok::right, kw);
          out.push_back(Node{kw == "break" ? Node::Kind::break_ : Node::Kind::continue_, "", nullptr, {}, {}, line});
          continue;
        }
        if (kw == "define") {
          // Go parses {{define}} only at the top level of a text.
          if (depth_ > 0 || in_define_) fail("unexpected <define> in command");
          next();
          define(line);
          continue;
        }
        if (kw == "template" || kw == "block") {
          next();
          out.push_back(template_call(kw, line));
          continue;
        }
      }
      Node action{Node::Kind::action, "", nullptr, {}, {}, peek().line};
      action.pipe = pipeline("command", true);
      out.push_back(std::move(action));
    }
  }

  // The quoted name after {{define}}, {{template}} or {{block}}.
  std::string template_name(const std::string& clause) {
    const Token& t = next();
    if (t.type != Tok::string) fail("unexpected \"" + t.text + "\" in " + clause + " clause");
    return t.text;
  }

  // A body of its own scope (only `$` defined, no enclosing range) up to its {{end}}, stored as `name`.
  void body(const std::string& name, const std::string& clause) {
    std::vector<std::string> saved_vars = std::move(vars_);
    vars_ = {"$"};
    const int saved_range = range_depth_;
    range_depth_ = 0;
    const bool saved_in_define = in_define_;
    in_define_ = true;
    auto tree = std::make_shared<tmpl::Tree>();
    tree->parse_name = name_;
    const std::string end = item_list(tree->root);
    if (end.empty()) fail("unexpected EOF");
    if (end != "end") fail("unexpected {{else}} in " + clause);
    in_define_ = saved_in_define;
    range_depth_ = saved_range;
    vars_ = std::move(saved_vars);
    // Go: a second non-empty definition in one text is an error; an empty one never replaces another.
    const auto it = defined_.find(name);
    if (it != defined_.end() && !tmpl::is_empty_tree(it->second->root)) {
      if (tmpl::is_empty_tree(tree->root)) return;
      fail("template: multiple definition of template \"" + name + "\"");
    }
    defined_[name] = std::move(tree);
  }

  void define(int line) {
    (void)line;
    const std::string name = template_name("define");
    expect(Tok::right, "define clause");
    body(name, "define");
  }

  // {{template "name" [pipeline]}} calls a named template; {{block "name" pipeline}}...{{end}} defines it
  // and calls it.
  Node template_call(const std::string& kw, int line) {
    Node node{Node::Kind::template_, template_name(kw), nullptr, {}, {}, line};
    if (peek().type == Tok::right) {
      if (kw == "block") fail("missing value for block clause");
      next();
      return node;
    }
    node.pipe = pipeline(kw, false);
    if (kw == "block") {
      const DepthGuard guard(*this);
      body(node.text, "block");
    }
    return node;
  }

  Node control(const std::string& kw, int line) {
    const DepthGuard guard(*this);
    const std::size_t mark = vars_.size();
    Node node{
        kw == "if" ? Node::Kind::if_ : kw == "range" ? Node::Kind::range : Node::Kind::with, "", nullptr, {}, {}, line};
    if (kw == "range") ++range_depth_;
    node.pipe = pipeline(kw, kw == "range");
    std::string end = item_list(node.list);
    if (kw == "range") --range_depth_;
    if (end.empty()) fail("unexpected EOF");
    if (end == "else") {
      // "else if" / "else with" chain: the else branch holds one nested control node.
      const Token& t = peek();
      if (t.type == Tok::ident && (t.text == "if" || t.text == "with") && t.text == kw) {
        const std::string nested_kw = t.text;
        const int nested_line = t.line;
        next();
        node.else_list.push_back(control(nested_kw, nested_line));
        vars_.resize(mark);
        return node;
      }
      expect(Tok::right, "else");
      end = item_list(node.else_list);
      if (end != "end") fail(end.empty() ? "unexpected EOF" : "expected end; found {{else}}");
    }
    vars_.resize(mark);
    return node;
  }

  // Parses `[decl :=] cmd | cmd ...` up to the closing delimiter (or `)` when nested).
  std::shared_ptr<Pipe> pipeline(const std::string& context, bool allow_decl, Tok end = Tok::right) {
    auto pipe = std::make_shared<Pipe>();
    pipe->line = peek().line;
    if (peek().type == Tok::variable) {
      const std::size_t save = pos_;
      const std::string v1 = next().text;
      const Token& after = peek();
      if (after.type == Tok::declare || after.type == Tok::assign) {
        pipe->is_assign = after.type == Tok::assign;
        next();
        pipe->variables.push_back(v1);
      } else if (after.type == Tok::comma && allow_decl && context == "range") {
        next();
        const Token& v2 = next();
        if (v2.type != Tok::variable) fail("range can only initialize variables");
        const Token& op = next();
        if (op.type != Tok::declare && op.type != Tok::assign) fail("expected := or = in range");
        pipe->is_assign = op.type == Tok::assign;
        pipe->variables = {v1, v2.text};
      } else {
        pos_ = save;
      }
      for (const auto& v : pipe->variables) {
        if (pipe->is_assign) {
          check_var(v);
        } else {
          vars_.push_back(v);
        }
      }
    }
    for (;;) {
      const Token& t = peek();
      if (t.type == end) {
        next();
        if (pipe->commands.empty()) fail("missing value for " + context);
        return pipe;
      }
      if (t.type == Tok::eof || t.type == Tok::right || t.type == Tok::rparen)
        fail("unexpected \"" + t.text + "\" in " + context);
      pipe->commands.push_back(command(end));
      if (peek().type == Tok::pipe) {
        next();
        if (peek().type == end) fail("missing command after |");
      }
    }
  }

  Command command(Tok end) {
    Command cmd;
    for (;;) {
      const Token& t = peek();
      if (t.type == end || t.type == Tok::pipe) break;
      cmd.operands.push_back(operand(end));
      // Operands must be separated by space.
      const Token& raw = peek_raw();
      if (raw.type != Tok::space && raw.type != end && raw.type != Tok::pipe && raw.type != Tok::rparen) {
        fail("unexpected \"" + raw.text + "\" in operand");
      }
    }
    if (cmd.operands.empty()) fail("empty command");
    return cmd;
  }

  void check_var(const std::string& name) const {
    for (const auto& v : vars_) {
      if (v == name) return;
    }
    fail("undefined variable \"" + name + "\"");
  }

  Operand operand(Tok end) {
    (void)end;
    const Token t = next();
    Operand op;
    switch (t.type) {
      case Tok::dot:
        op.kind = Operand::Kind::dot;
        break;
      case Tok::field:
        op.kind = Operand::Kind::field;
        op.fields.push_back(t.text);
        break;
      case Tok::variable:
        check_var(t.text);
        op.kind = Operand::Kind::variable;
        op.name = t.text;
        break;
      case Tok::string:
        op.literal = TemplateValue(t.text);
        break;
      case Tok::char_:
        op.literal =
            TemplateValue(static_cast<std::int64_t>(t.text.empty() ? 0 : static_cast<unsigned char>(t.text[0])));
        break;
      case Tok::number:
        op.literal = number(t.text);
        break;
      case Tok::lparen: {
        const DepthGuard guard(*this);
        op.kind = Operand::Kind::pipe;
        op.pipe = pipeline("parenthesized pipeline", false, Tok::rparen);
        break;
      }
      case Tok::ident:
        if (t.text == "true" || t.text == "false") {
          op.literal = TemplateValue(t.text == "true");
        } else if (t.text == "nil") {
          op.literal = TemplateValue();
        } else {
          if (!is_template_function(t.text, functions_)) fail("function \"" + t.text + "\" not defined");
          op.kind = Operand::Kind::function;
          op.name = t.text;
        }
        break;
      default:
        fail("unexpected \"" + t.text + "\" in operand");
    }
    // Field chain directly after the operand: $x.a.b, (pipe).a
    while (peek_raw().type == Tok::field) {
      if (op.kind == Operand::Kind::literal || op.kind == Operand::Kind::function) {
        fail("unexpected . after term");
      }
      op.fields.push_back(next_raw().text);
    }
    return op;
  }

  TemplateValue number(const std::string& text) const {
    std::string clean;
    for (const char c : text) {
      if (c != '_') clean += c;
    }
    const bool is_hex = clean.find("0x") != std::string::npos || clean.find("0X") != std::string::npos;
    const bool is_float = !is_hex && clean.find_first_of(".eE") != std::string::npos;
    char* end = nullptr;
    if (is_float) {
      const double d = std::strtod(clean.c_str(), &end);
      if (*end != '\0') fail("bad number syntax: \"" + text + "\"");
      return TemplateValue(d);
    }
    int base = 10;
    std::string digits = clean;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
      negative = digits[0] == '-';
      digits.erase(0, 1);
    }
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
      base = 16;
      digits.erase(0, 2);
    } else if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
      base = 2;
      digits.erase(0, 2);
    } else if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'O')) {
      base = 8;
      digits.erase(0, 2);
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
      digits.erase(0, 1);
    }
    const long long v = std::strtoll(digits.c_str(), &end, base);
    if (digits.empty() || *end != '\0') fail("bad number syntax: \"" + text + "\"");
    return TemplateValue(static_cast<std::int64_t>(negative ? -v : v));
  }

  std::string name_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
  int depth_ = 0;  // control structures and parentheses open around the current token
  TemplateFunctions functions_;
  bool in_define_ = false;
  tmpl::Trees defined_;
};

}  // namespace

bool tmpl::is_empty_tree(const std::vector<Node>& root) {
  for (const Node& n : root) {
    if (n.kind != Node::Kind::text) return false;
    for (const char c : n.text) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
  }
  return true;
}

Template Template::parse(const std::string& name, const std::string& text, TemplateFunctions functions) {
  Parser parser(name, tmpl::lex_template(name, text), functions);
  Template t;
  t.name_ = name;
  t.functions_ = functions;
  t.root_ = std::make_shared<const tmpl::Tree>(tmpl::Tree{name, parser.parse()});
  t.defined_ = std::make_shared<const tmpl::Trees>(std::move(parser.defined()));
  return t;
}

}  // namespace twikit::rules
