// Executes a parsed Go text/template against TemplateValue data.

#include <string_view>
#include <utility>

#include "alertd/rules/template.h"
#include "alertd/rules/template_ast.h"

namespace twikit::rules {

namespace {

using tmpl::Command;
using tmpl::Node;
using tmpl::Operand;
using tmpl::Pipe;

enum class Flow { normal, break_, continue_ };

class Executor {
 public:
  Executor(const tmpl::Tree& tree, const std::string& name, const tmpl::Trees& defined, TemplateFunctions functions,
           const ExecuteOptions& options, const TemplateValue& root)
      : name_(name), parse_name_(tree.parse_name), defined_(defined), functions_(functions), options_(options) {
    vars_.emplace_back("$", root);
  }

  Flow walk(const std::vector<Node>& list, const TemplateValue& dot) {
    for (const Node& node : list) {
      const Flow flow = walk_node(node, dot);
      if (flow != Flow::normal) return flow;
    }
    return Flow::normal;
  }

  std::string& out() { return out_; }

 private:
  [[noreturn]] void fail(int line, const std::string& msg) const {
    // Go writes `executing "NAME" at <context>: msg`; without a context, `executing "NAME": msg`.
    const char* sep = msg.starts_with("at <") ? "\" " : "\": ";
    throw TemplateError("template: " + parse_name_ + ":" + std::to_string(line) + ": executing \"" + name_ + sep +
                        msg);
  }

  // Counts one control structure or template call for as long as it runs (kTemplateMaxExecDepth).
  class DepthGuard {
   public:
    DepthGuard(Executor& e, int line) : e_(e) {
      if (++e_.depth_ > kTemplateMaxExecDepth) {
        e_.fail(line, "exceeded maximum template depth (" + std::to_string(kTemplateMaxExecDepth) + ")");
      }
    }
    ~DepthGuard() { --e_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Executor& e_;
  };

  // {{template "name" pipe}}: the named tree with the pipeline's value as `.` and `$`, in a scope of its own.
  Flow walk_template(const Node& node, const TemplateValue& dot) {
    const DepthGuard guard(*this, node.line);
    const auto it = defined_.find(node.text);
    if (it == defined_.end()) fail(node.line, "template \"" + node.text + "\" not defined");
    TemplateValue arg = node.pipe ? eval_pipe(*node.pipe, dot) : TemplateValue();
    std::vector<std::pair<std::string, TemplateValue>> saved_vars = std::move(vars_);
    vars_.clear();
    vars_.emplace_back("$", arg);
    std::string saved_name = std::move(name_);
    std::string saved_parse_name = std::move(parse_name_);
    name_ = node.text;
    parse_name_ = it->second->parse_name;
    walk(it->second->root, arg);
    name_ = std::move(saved_name);
    parse_name_ = std::move(saved_parse_name);
    vars_ = std::move(saved_vars);
    return Flow::normal;
  }

  // Counts one node or range iteration against kTemplateMaxSteps.
  void step(int line) {
    if (++steps_ > kTemplateMaxSteps) {
      fail(line, "expansion exceeds " + std::to_string(kTemplateMaxSteps) + " steps (nodes and range iterations)");
    }
  }

  void emit(std::string_view text, int line) {
    if (out_.size() + text.size() > kTemplateMaxOutputBytes) {
      fail(line, "output exceeds " + std::to_string(kTemplateMaxOutputBytes) + " bytes");
    }
    out_ += text;
  }

  Flow walk_node(const Node& node, const TemplateValue& dot) {
    step(node.line);
    switch (node.kind) {
      case Node::Kind::text:
        emit(node.text, node.line);
        return Flow::normal;
      case Node::Kind::action: {
        TemplateValue v = eval_pipe(*node.pipe, dot);
        if (node.pipe->variables.empty()) emit(print_value(v), node.line);
        return Flow::normal;
      }
      case Node::Kind::template_:
        return walk_template(node, dot);
      case Node::Kind::break_:
        return Flow::break_;
      case Node::Kind::continue_:
        return Flow::continue_;
      case Node::Kind::if_:
      case Node::Kind::with: {
        const DepthGuard guard(*this, node.line);
        const std::size_t mark = vars_.size();
        TemplateValue v = eval_pipe(*node.pipe, dot);
        Flow flow;
        if (v.truthy()) {
          flow = walk(node.list, node.kind == Node::Kind::with ? v : dot);
        } else {
          flow = walk(node.else_list, dot);
        }
        vars_.resize(mark);
        return flow;
      }
      case Node::Kind::range: {
        const DepthGuard guard(*this, node.line);
        return walk_range(node, dot);
      }
    }
    return Flow::normal;
  }

  Flow walk_range(const Node& node, const TemplateValue& dot) {
    const std::size_t mark = vars_.size();
    // Evaluate the pipeline without its declarations; range binds them per element.
    Pipe bare = *node.pipe;
    bare.variables.clear();
    const TemplateValue v = eval_pipe(bare, dot);
    const auto& names = node.pipe->variables;
    auto each = [&](const TemplateValue& key, const TemplateValue& elem) {
      step(node.line);
      vars_.resize(mark);
      if (names.size() == 1) bind(names[0], elem, node.pipe->is_assign);
      if (names.size() == 2) {
        bind(names[0], key, node.pipe->is_assign);
        bind(names[1], elem, node.pipe->is_assign);
      }
      return walk(node.list, elem);
    };
    bool any = false;
    if (v.is_map()) {
      for (const auto& [k, e] : v.as_map()) {
        any = true;
        if (each(TemplateValue(k), e) == Flow::break_) break;
      }
    } else if (v.is_list()) {
      std::int64_t i = 0;
      for (const auto& e : v.as_list()) {
        any = true;
        if (each(TemplateValue(i++), e) == Flow::break_) break;
      }
    } else if (v.is_int()) {
      for (std::int64_t i = 0; i < v.as_int(); ++i) {
        any = true;
        if (each(TemplateValue(i), TemplateValue(i)) == Flow::break_) break;
      }
    } else if (!v.is_nil()) {
      fail(node.line, "range can't iterate over " + v.to_string());
    }
    vars_.resize(mark);
    if (!any) walk(node.else_list, dot);
    vars_.resize(mark);
    return Flow::normal;
  }

  void bind(const std::string& name, TemplateValue v, bool assign) {
    if (assign) {
      for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
        if (it->first == name) {
          it->second = std::move(v);
          return;
        }
      }
    }
    vars_.emplace_back(name, std::move(v));
  }

  TemplateValue eval_pipe(const Pipe& pipe, const TemplateValue& dot) {
    TemplateValue value;
    bool has_final = false;
    for (const Command& cmd : pipe.commands) {
      value = eval_command(cmd, dot, value, has_final, pipe.line);
      has_final = true;
    }
    for (const auto& name : pipe.variables) bind(name, value, pipe.is_assign);
    return value;
  }

  TemplateValue eval_command(const Command& cmd, const TemplateValue& dot, const TemplateValue& final, bool has_final,
                             int line) {
    const Operand& first = cmd.operands.front();
    if (first.kind == Operand::Kind::function) {
      std::vector<TemplateValue> args;
      for (std::size_t i = 1; i < cmd.operands.size(); ++i) args.push_back(eval_operand(cmd.operands[i], dot, line));
      if (has_final) args.push_back(final);
      return call(first.name, args, line);
    }
    if (cmd.operands.size() > 1 || has_final) {
      // `.CommonLabels.Remove .GroupLabels.Names`: arguments go to the method the chain ends in.
      if (first.fields.empty()) fail(line, "can't give argument to non-function " + describe(first));
      std::vector<TemplateValue> args;
      for (std::size_t i = 1; i < cmd.operands.size(); ++i) args.push_back(eval_operand(cmd.operands[i], dot, line));
      if (has_final) args.push_back(final);
      return eval_operand(first, dot, line, &args);
    }
    return eval_operand(first, dot, line);
  }

  // Calls a template function; whatever it throws becomes an execution error worded as Go's, and the
  // strings it returns count against kTemplateMaxWorkBytes.
  TemplateValue call(const std::string& name, const std::vector<TemplateValue>& args, int line) {
    TemplateValue result;
    try {
      result = call_template_function(name, args, functions_);
    } catch (const TemplateError&) {
      throw;
    } catch (const std::exception& e) {
      const std::string msg = e.what();
      constexpr std::string_view arity = "wrong number of args: ";
      // Go checks the argument count before calling: no "error calling" then.
      if (msg.starts_with(arity)) {
        fail(line, "at <" + name + ">: wrong number of args for " + name + ": " + msg.substr(arity.size()));
      }
      if (msg.starts_with("wrong number of args for ")) fail(line, "at <" + name + ">: " + msg);
      fail(line, "at <" + name + ">: error calling " + name + ": " + msg);
    }
    if (result.is_string()) {
      work_bytes_ += result.as_string().size();
      if (work_bytes_ > kTemplateMaxWorkBytes) {
        fail(line, "at <" + name + ">: function results exceed " + std::to_string(kTemplateMaxWorkBytes) + " bytes");
      }
    }
    return result;
  }

  static std::string describe(const Operand& op) {
    std::string base;
    switch (op.kind) {
      case Operand::Kind::literal:
        base = op.literal.to_string();
        break;
      case Operand::Kind::dot:
        base = ".";
        break;
      case Operand::Kind::field:
        base = "";
        break;
      case Operand::Kind::variable:
        base = op.name;
        break;
      case Operand::Kind::function:
        base = op.name;
        break;
      case Operand::Kind::pipe:
        base = "(...)";
        break;
    }
    for (const auto& f : op.fields) base += "." + f;
    return base;
  }

  // `.name` on `base`: a method of its type (called with `args`, or none), else a map key; a struct's
  // missing field is an error, a map's missing key reads as "" (Prometheus and Alertmanager execute with
  // missingkey=zero).
  TemplateValue field(const TemplateValue& base, const std::string& name, const std::vector<TemplateValue>* args,
                      int line) {
    if (const TemplateType* type = base.type()) {
      const auto m = type->methods.find(name);
      if (m != type->methods.end()) {
        try {
          return m->second(base, args ? *args : std::vector<TemplateValue>{});
        } catch (const TemplateError&) {
          throw;
        } catch (const std::exception& e) {
          const std::string msg = e.what();
          if (msg.starts_with("wrong number of args")) fail(line, "at <." + name + ">: " + msg);
          fail(line, "at <." + name + ">: error calling " + name + ": " + msg);
        }
      }
    }
    if (args) {
      // Go's two wordings: a map key, and a struct field.
      const bool is_struct = base.type() && base.type()->is_struct;
      fail(line, "at <." + name + ">: " + name +
                     (is_struct ? " has arguments but cannot be invoked as function" : " is not a method but has arguments"));
    }
    if (base.is_map()) {
      const auto& m = base.as_map();
      const auto it = m.find(name);
      if (it != m.end()) return it->second;
      if (base.type() && base.type()->is_struct) {
        fail(line, "at <." + name + ">: can't evaluate field " + name + " in type " + base.type_name());
      }
      return TemplateValue(std::string());
    }
    if (base.is_nil()) fail(line, "nil pointer evaluating interface {}." + name);
    fail(line, "can't evaluate field " + name + " in type " + base.type_name());
  }

  TemplateValue eval_operand(const Operand& op, const TemplateValue& dot, int line,
                             const std::vector<TemplateValue>* args = nullptr) {
    TemplateValue base;
    switch (op.kind) {
      case Operand::Kind::literal:
        return op.literal;
      case Operand::Kind::dot:
        base = dot;
        break;
      case Operand::Kind::field:
        base = dot;
        break;
      case Operand::Kind::variable:
        base = lookup(op.name, line);
        break;
      case Operand::Kind::function:
        return call(op.name, {}, line);
      case Operand::Kind::pipe:
        base = eval_pipe(*op.pipe, dot);
        break;
    }
    for (std::size_t i = 0; i < op.fields.size(); ++i) {
      base = field(base, op.fields[i], i + 1 == op.fields.size() ? args : nullptr, line);
    }
    return base;
  }

  TemplateValue lookup(const std::string& name, int line) const {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    fail(line, "undefined variable: " + name);
  }

  std::string print_value(const TemplateValue& v) const {
    if (!options_.escape_html || v.type() == template_html_type().get()) return v.to_string();
    return template_html_escape(v.to_string());
  }

  std::string name_;
  std::string parse_name_;
  const tmpl::Trees& defined_;
  TemplateFunctions functions_;
  ExecuteOptions options_;
  int depth_ = 0;
  std::vector<std::pair<std::string, TemplateValue>> vars_;
  std::string out_;
  std::size_t steps_ = 0;
  std::size_t work_bytes_ = 0;
};

}  // namespace

std::string Template::execute(const TemplateValue& dot, const ExecuteOptions& options) const {
  Executor exec(*root_, name_, *defined_, functions_, options, dot);
  exec.walk(root_->root, dot);
  return std::move(exec.out());
}

}  // namespace twikit::rules
