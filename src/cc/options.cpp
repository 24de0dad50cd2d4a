#include "cc/options.hpp"

#include <array>

namespace larder::cc {

namespace {

constexpr Option key(std::string_view spelling, Form form, std::string_view normalised, ValueKind kind) {
  return {spelling, form, Role::Key, normalised, kind};
}
constexpr Option flag(std::string_view spelling) { return {spelling, Form::Flag, Role::Key, spelling}; }
constexpr Option include(std::string_view spelling, IncludeKind kind) {
  return {spelling, Form::JoinedOrSeparate, Role::Include, spelling, ValueKind::Path, kind};
}
constexpr Option not_cached(std::string_view spelling, Form form, Reason reason) {
  return {spelling, form, Role::NotCached, "", ValueKind::None, IncludeKind::Angled, reason};
}
constexpr Option unknown(std::string_view spelling, Form form) { return {spelling, form, Role::Unknown}; }

// The options larder knows by name; the families (-f…, -g…, -m…, -O…, -W…) are in
// flag_families.cpp.
constexpr auto kOptions = std::to_array<Option>({
    {"-c", Form::Flag, Role::Compile},
    {"-E", Form::Flag, Role::Preprocess},
    {"-M", Form::Flag, Role::Preprocess},
    {"-MM", Form::Flag, Role::Preprocess},
    {"-S", Form::Flag, Role::Assembly},
    {"-o", Form::JoinedOrSeparate, Role::Output},
    {"-x", Form::JoinedOrSeparate, Role::Language},
    {"--", Form::Flag, Role::EndOfOptions},
    // Preprocessor.
    key("-D", Form::JoinedOrSeparate, "-D", ValueKind::Text),
    key("-U", Form::JoinedOrSeparate, "-U", ValueKind::Text),
    include("-I", IncludeKind::Angled),
    include("-iquote", IncludeKind::Quote),
    include("-isystem", IncludeKind::System),
    include("-idirafter", IncludeKind::After),
    include("-F", IncludeKind::Framework),
    include("-iframework", IncludeKind::SystemFramework),
    unknown("-I-", Form::Flag),  // splits the -I folders into quote and angled ones
    {"-imacros", Form::JoinedOrSeparate, Role::ForcedMacros, "-imacros", ValueKind::Path},
    {"-include", Form::JoinedOrSeparate, Role::ForcedInclude, "-include", ValueKind::Path},
    {"--sysroot=", Form::Joined, Role::Sysroot, "--sysroot=", ValueKind::Path},
    {"--sysroot", Form::Separate, Role::Sysroot, "--sysroot=", ValueKind::Path},
    {"-isysroot", Form::JoinedOrSeparate, Role::HeaderSysroot, "-isysroot", ValueKind::Path},
    {"-nostdinc", Form::Flag, Role::NoStdInc, "-nostdinc"},
    flag("-nostdinc++"),
    flag("-nostdlibinc"),
    flag("-nobuiltininc"),
    flag("-undef"),
    flag("-trigraphs"),
    {"-Wp,", Form::Joined, Role::Preprocessor},
    {"-Xpreprocessor", Form::Separate, Role::PreprocessorOption},
    // Dependency files.
    {"-MD", Form::Flag, Role::DepMD},
    {"-MMD", Form::Flag, Role::DepMMD},
    {"-MF", Form::JoinedOrSeparate, Role::DepMF},
    {"-MT", Form::JoinedOrSeparate, Role::DepMT},
    {"-MQ", Form::JoinedOrSeparate, Role::DepMQ},
    {"-MP", Form::Flag, Role::DepMP},
    // Language and target.
    key("-std=", Form::Joined, "-std=", ValueKind::Text),
    key("--std=", Form::Joined, "-std=", ValueKind::Text),
    flag("-ansi"),
    key("--target=", Form::Joined, "--target=", ValueKind::Text),
    key("-target", Form::Separate, "--target=", ValueKind::Text),
    {"-arch", Form::Separate, Role::Arch, "-arch", ValueKind::Text},
    key("-stdlib=", Form::Joined, "-stdlib=", ValueKind::Text),
    key("--param=", Form::Joined, "--param=", ValueKind::Text),
    key("--param", Form::Separate, "--param=", ValueKind::Text),
    key("-resource-dir=", Form::Joined, "-resource-dir=", ValueKind::Path),
    key("-resource-dir", Form::Separate, "-resource-dir=", ValueKind::Path),
    key("--gcc-toolchain=", Form::Joined, "--gcc-toolchain=", ValueKind::Path),
    key("-gcc-toolchain", Form::Separate, "--gcc-toolchain=", ValueKind::Path),
    key("--gcc-install-dir=", Form::Joined, "--gcc-install-dir=", ValueKind::Path),
    flag("-pipe"),
    flag("-pthread"),
    flag("-w"),
    flag("-pedantic"),
    flag("-pedantic-errors"),
    key("--pedantic", Form::Flag, "-pedantic", ValueKind::None),
    key("--pedantic-errors", Form::Flag, "-pedantic-errors", ValueKind::None),
    {"-Wa,", Form::Joined, Role::Assembler},
    {"-Xassembler", Form::Separate, Role::AssemblerOption},
    {"-Xclang", Form::Separate, Role::Xclang},
    // Link-only flags. With -c GCC ignores them and Clang warns that they are unused; they stay
    // in the key, so that warning is never replayed for a call without them (nor missing from
    // one with them).
    key("-l", Form::JoinedOrSeparate, "-l", ValueKind::Text),
    key("-L", Form::JoinedOrSeparate, "-L", ValueKind::Path),
    key("-Wl,", Form::Joined, "-Wl,", ValueKind::Text),
    key("-Xlinker", Form::Separate, "-Xlinker", ValueKind::Text),
    key("-T", Form::JoinedOrSeparate, "-T", ValueKind::Path),
    key("-u", Form::JoinedOrSeparate, "-u", ValueKind::Text),
    key("-z", Form::JoinedOrSeparate, "-z", ValueKind::Text),
    key("-rtlib=", Form::Joined, "-rtlib=", ValueKind::Text),
    key("-unwindlib=", Form::Joined, "-unwindlib=", ValueKind::Text),
    key("--ld-path=", Form::Joined, "--ld-path=", ValueKind::Path),
    flag("-shared"),
    flag("-static"),
    flag("-static-pie"),
    flag("-rdynamic"),
    flag("-nostdlib"),
    flag("-nodefaultlibs"),
    flag("-nostartfiles"),
    flag("-nolibc"),
    flag("-static-libgcc"),
    flag("-static-libstdc++"),
    flag("-shared-libgcc"),
    flag("-pie"),
    flag("-no-pie"),
    flag("-s"),
    // Calls that compile nothing.
    {"--version", Form::Flag, Role::Query},
    {"--help", Form::Flag, Role::Query},
    {"--help=", Form::Joined, Role::Query},
    {"--target-help", Form::Flag, Role::Query},
    {"-###", Form::Flag, Role::Query},
    {"-dumpversion", Form::Flag, Role::Query},
    {"-dumpfullversion", Form::Flag, Role::Query},
    {"-dumpmachine", Form::Flag, Role::Query},
    {"-dumpspecs", Form::Flag, Role::Query},
    {"-print-", Form::Joined, Role::Query},
    {"--print-", Form::Joined, Role::Query},
    {"-v", Form::Flag, Role::Verbose},
    // Reasons not to cache.
    not_cached("-save-temps", Form::Flag, Reason::ExtraOutput),
    not_cached("-save-temps=", Form::Joined, Reason::ExtraOutput),
    not_cached("--save-temps", Form::Flag, Reason::ExtraOutput),
    not_cached("--coverage", Form::Flag, Reason::ExtraOutput),
    not_cached("-coverage", Form::Flag, Reason::ExtraOutput),
    not_cached("-aux-info", Form::Separate, Reason::ExtraOutput),
    not_cached("-MJ", Form::JoinedOrSeparate, Reason::ExtraOutput),
    not_cached("--serialize-diagnostics", Form::Separate, Reason::ExtraOutput),
    not_cached("-include-pch", Form::Separate, Reason::PrecompiledHeader),
    not_cached("-include-pth", Form::Separate, Reason::PrecompiledHeader),
    // Known, and unsupported: they read files no depfile lists, choose other compiler programs
    // or name auxiliary outputs. Their values are skipped.
    unknown("-B", Form::JoinedOrSeparate),
    unknown("-specs=", Form::Joined),
    unknown("--specs=", Form::Joined),
    unknown("--config", Form::Separate),
    unknown("--config=", Form::Joined),
    unknown("-mllvm", Form::Separate),
    unknown("-ivfsoverlay", Form::Separate),
    unknown("-iprefix", Form::JoinedOrSeparate),
    unknown("-iwithprefix", Form::JoinedOrSeparate),
    unknown("-iwithprefixbefore", Form::JoinedOrSeparate),
    unknown("-imultilib", Form::JoinedOrSeparate),
    unknown("-imultiarch", Form::JoinedOrSeparate),
    unknown("-dumpbase", Form::Separate),
    unknown("-dumpbase-ext", Form::Separate),
    unknown("-dumpdir", Form::Separate),
    unknown("-wrapper", Form::Separate),
});

bool takes_prefix(Form form) { return form == Form::Joined || form == Form::JoinedOrSeparate; }

}  // namespace

const Option* find_option(std::string_view arg) {
  const Option* found = nullptr;
  for (const auto& option : kOptions) {
    if (option.spelling == arg) return &option;
    if (takes_prefix(option.form) && arg.starts_with(option.spelling) &&
        (!found || option.spelling.size() > found->spelling.size())) {
      found = &option;
    }
  }
  return found;
}

}  // namespace larder::cc
