#pragma once
// The Make-syntax depfiles GCC and Clang write for -MD and -MMD: which files a compile read.
// Their bytes are untrusted (a compiler wrote them, or an entry restored them): parsing never
// fails hard and takes time linear in their size.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder::cc {

struct Dependencies {
  // The targets of the rules with prerequisites (the object, or the -MT/-MQ names), without
  // duplicates: not the phony ones -MP adds for each header.
  std::vector<std::string> targets;
  // Every file on the right of a rule, in order, without duplicates: the source, then the
  // headers (forced ones and those #include found). Paths as written, with Make's escapes undone.
  std::vector<std::string> prerequisites;
};

// nullopt for text a compiler does not write: a NUL byte, a line with names and no rule colon,
// or no rule at all.
std::optional<Dependencies> parse_depfile(std::string_view text);

// A name as GCC writes it into a depfile (and quotes an -MQ target): `$` as `$$`, `#` as `\#`,
// a space or tab after a backslash, with the backslashes before it doubled. A name that ends in a
// backslash, or holds a newline, cannot be written so that Make (or parse_depfile) reads it back.
std::string quote_for_make(std::string_view name);

// A depfile in GCC's layout: the targets (written as given: quote them as needed) and the
// prerequisites (quoted here) in one rule, then with `phony_targets` (-MP) an empty rule for
// every prerequisite but the first, the source.
std::string render_depfile(const std::vector<std::string>& targets, const std::vector<std::string>& prerequisites,
                           bool phony_targets);

}  // namespace larder::cc
