#include "cc/depfile.hpp"

#include <unordered_set>

namespace larder::cc {

namespace {

// Reads one depfile in a single pass over its bytes. Make's quoting as GCC writes it: a space or
// tab after 2N+1 backslashes is N backslashes and a character of the name, after 2N backslashes
// it is N backslashes at the end of the name; `\#` is `#`; `$$` is `$`; a backslash before a
// newline continues the line; other backslashes are themselves.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<Dependencies> run() {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\0') return std::nullopt;
      if (c == '\\') {
        backslashes();
      } else if (c == '$' && next_is(i_ + 1, '$')) {
        token_ += '$';
        i_ += 2;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        end_token();
        ++i_;
      } else if (c == '\n') {
        if (!end_line()) return std::nullopt;
        ++i_;
      } else if (c == '#') {
        end_token();  // a comment, to the end of the line
        while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      } else if (c == ':' && !after_colon_ && separator_at(i_ + 1)) {
        end_token();
        after_colon_ = true;
        ++i_;
      } else {
        token_ += c;
        ++i_;
      }
    }
    if (!end_line() || !saw_rule_) return std::nullopt;
    return std::move(deps_);
  }

 private:
  bool next_is(size_t at, char c) const { return at < text_.size() && text_[at] == c; }

  // A line break at `at`: "\n" or "\r\n"; returns its length, 0 for none.
  size_t line_break_at(size_t at) const {
    if (next_is(at, '\n')) return 1;
    if (next_is(at, '\r') && next_is(at + 1, '\n')) return 2;
    return 0;
  }

  // The rule's colon is followed by a blank, the end of the line or of the text, or a
  // continuation; any other colon is part of a name ("c:/x.o", "a:b.h").
  bool separator_at(size_t at) const {
    if (at >= text_.size()) return true;
    const char c = text_[at];
    if (c == ' ' || c == '\t' || c == '\n' || line_break_at(at) > 0) return true;
    return c == '\\' && line_break_at(at + 1) > 0;
  }

  void backslashes() {
    size_t run = 0;
    while (next_is(i_ + run, '\\')) ++run;
    const size_t after = i_ + run;
    if (const size_t line_break = line_break_at(after); line_break > 0 || after == text_.size()) {
      token_.append(run - 1, '\\');  // the last one continues the line (or ends a truncated text)
      end_token();
      i_ = after + line_break;
    } else if (next_is(after, ' ') || next_is(after, '\t')) {
      token_.append(run / 2, '\\');
      if (run % 2 == 1) {
        token_ += text_[after];
      } else {
        end_token();
      }
      i_ = after + 1;
    } else if (next_is(after, '#')) {
      token_.append(run - 1, '\\');
      token_ += '#';
      i_ = after + 1;
    } else {
      token_.append(run, '\\');
      i_ = after;
    }
  }

  void end_token() {
    if (token_.empty()) return;
    if (after_colon_) {
      if (seen_prerequisites_.insert(token_).second) deps_.prerequisites.push_back(token_);
      line_has_prerequisites_ = true;
    } else {
      line_targets_.push_back(token_);
    }
    token_.clear();
  }

  // False for a line with names and no rule colon.
  bool end_line() {
    end_token();
    if (!after_colon_ && !line_targets_.empty()) return false;
    if (after_colon_) saw_rule_ = true;
    if (line_has_prerequisites_) {
      for (auto& target : line_targets_) {
        if (seen_targets_.insert(target).second) deps_.targets.push_back(std::move(target));
      }
    }
    line_targets_.clear();
    after_colon_ = false;
    line_has_prerequisites_ = false;
    return true;
  }

  std::string_view text_;
  size_t i_ = 0;
  std::string token_;
  std::vector<std::string> line_targets_;
  bool after_colon_ = false;
  bool line_has_prerequisites_ = false;
  bool saw_rule_ = false;
  Dependencies deps_;
  std::unordered_set<std::string> seen_prerequisites_;
  std::unordered_set<std::string> seen_targets_;
};

}  // namespace

std::optional<Dependencies> parse_depfile(std::string_view text) { return Parser(text).run(); }

std::string quote_for_make(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 8);
  size_t backslashes = 0;  // right before the current character
  for (const char c : name) {
    if (c == '\\') {
      ++backslashes;
      out += c;
      continue;
    }
    if (c == '$') out += '$';
    if (c == ' ' || c == '\t') out.append(backslashes, '\\');
    if (c == ' ' || c == '\t' || c == '#') out += '\\';
    backslashes = 0;
    out += c;
  }
  return out;
}

std::string render_depfile(const std::vector<std::string>& targets, const std::vector<std::string>& prerequisites,
                           bool phony_targets) {
  std::string out;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (i > 0) out += ' ';
    out += targets[i];
  }
  out += ':';
  for (size_t i = 0; i < prerequisites.size(); ++i) {
    out += i == 0 ? " " : " \\\n ";
    out += quote_for_make(prerequisites[i]);
  }
  out += '\n';
  if (phony_targets) {
    for (size_t i = 1; i < prerequisites.size(); ++i) out += quote_for_make(prerequisites[i]) + ":\n";
  }
  return out;
}

}  // namespace larder::cc
