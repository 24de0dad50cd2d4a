#include "cc/arguments.hpp"

#include <algorithm>
#include <set>

#include "cc/file_names.hpp"
#include "cc/flag_families.hpp"
#include "cc/options.hpp"
#include "util/strings.hpp"

namespace larder::cc {

namespace {

// The name of a flag for a reason's detail: without a value after '=', and short, since stats
// key reasons by it.
std::string flag_name(std::string_view arg) {
  constexpr size_t kMaxDetail = 64;
  return std::string(arg.substr(0, std::min(arg.find('='), kMaxDetail)));
}

// The walk over the arguments: what each one said, decided on at the end.
class Classifier {
 public:
  explicit Classifier(const std::vector<std::string>& args) : args_(args) {}

  ParsedCall run() {
    for (i_ = 0; i_ < args_.size(); ++i_) step(args_[i_]);
    finish();
    return std::move(call_);
  }

 private:
  void step(const std::string& arg) {
    if (end_of_options_ || arg.empty() || arg[0] != '-' || arg == "-") {
      inputs_.push_back(arg);
      return;
    }
    if (const Option* option = find_option(arg)) {
      apply(*option, arg);
      return;
    }
    FlagClass family;
    switch (arg.size() > 1 ? arg[1] : '\0') {
      case 'f':
        family = classify_f(arg);
        break;
      case 'g':
        family = classify_g(arg);
        break;
      case 'm':
        family = classify_m(arg);
        break;
      case 'O':
        family = classify_O(arg);
        break;
      case 'W':
        family = classify_W(arg);
        break;
      default:
        break;
    }
    switch (family.kind) {
      case FlagClass::Kind::Key:
        add_family_key(arg, family.value_kind);
        break;
      case FlagClass::Kind::Reason:
        not_cached(family.reason, arg);
        break;
      case FlagClass::Kind::SyntaxOnly:
        syntax_only_ = true;
        break;
      case FlagClass::Kind::Unknown:
        not_cached(Reason::UnknownFlag, arg);
        break;
    }
  }

  // The value of an option matched as `option`: glued on or the next argument.
  std::optional<std::string> value_of(const Option& option, const std::string& arg) {
    if (option.form == Form::Flag) return std::string();
    if (arg.size() > option.spelling.size()) {
      if (option.form == Form::Separate) return std::nullopt;  // "-archx": not this option
      return arg.substr(option.spelling.size());
    }
    if (option.form == Form::Joined) return std::string();  // "-std=": an empty value
    if (i_ + 1 >= args_.size()) return std::nullopt;
    return args_[++i_];
  }

  void apply(const Option& option, const std::string& arg) {
    const std::optional<std::string> value = value_of(option, arg);
    // An empty file name or language is no value either (`-o ""`).
    const bool names_something =
        option.role == Role::Output || option.role == Role::DepMF || option.role == Role::Language;
    if (!value || (names_something && value->empty())) {
      not_cached(Reason::UnknownFlag, option.spelling);
      return;
    }
    switch (option.role) {
      case Role::Key:
        add_key(option.key_option, *value, option.kind);
        break;
      case Role::Compile:
        compile_ = true;
        break;
      case Role::Preprocess:
        preprocess_ = true;
        break;
      case Role::Assembly:
        assembly_ = true;
        break;
      case Role::Output:
        output_ = *value;
        break;
      case Role::Language:
        set_language(*value);
        break;
      case Role::Include:
        call_.include_dirs.push_back({option.include, *value});
        add_key(option.key_option, *value, ValueKind::Path);
        break;
      case Role::ForcedMacros:
        call_.forced_includes.push_back({ForcedIncludeKind::Macros, *value});
        add_key(option.key_option, *value, ValueKind::Path);
        break;
      case Role::ForcedInclude:
        call_.forced_includes.push_back({ForcedIncludeKind::Include, *value});
        add_key(option.key_option, *value, ValueKind::Path);
        break;
      case Role::Sysroot:
        sysroot_ = *value;
        add_key(option.key_option, *value, ValueKind::Path);
        break;
      case Role::HeaderSysroot:
        header_sysroot_ = *value;
        add_key(option.key_option, *value, ValueKind::Path);
        break;
      case Role::NoStdInc:
        call_.no_standard_includes = true;
        add_key(option.key_option, "", ValueKind::None);
        break;
      // -MD and -MMD decide whether there is a depfile and what it lists, an output of the
      // call; Clang also warns that they are unused for assembler. The rest only shape it.
      // With both, the compiler proper gets both and the last one decides.
      case Role::DepMD:
      case Role::DepMMD:
        system_headers_ = option.role == Role::DepMD;
        add_key(arg, "", ValueKind::None);
        break;
      case Role::DepMF:
        depfile_path_ = *value;
        break;
      case Role::DepMT:
        depfile_targets_.push_back({*value, false});
        break;
      case Role::DepMQ:
        depfile_targets_.push_back({*value, true});
        break;
      case Role::DepMP:
        phony_targets_ = true;
        break;
      case Role::Arch:
        archs_.insert(*value);
        add_key(option.key_option, *value, ValueKind::Text);
        break;
      case Role::Assembler:
        assembler_options(split(*value, ','), arg);
        break;
      case Role::AssemblerOption:
        assembler_options({*value}, "-Xassembler");
        break;
      case Role::Preprocessor:
        preprocessor_options(split(*value, ','), arg);
        break;
      case Role::PreprocessorOption:
        preprocessor_options({*value}, "-Xpreprocessor");
        break;
      case Role::Xclang:
        xclang(*value);
        break;
      case Role::Query:
        query_ = true;
        break;
      case Role::Verbose:
        verbose_ = true;
        add_key(arg, "", ValueKind::None);
        break;
      case Role::EndOfOptions:
        end_of_options_ = true;
        break;
      case Role::NotCached:
        not_cached(option.reason, option.spelling);
        break;
      case Role::Unknown:
        not_cached(Reason::UnknownFlag, option.spelling);
        break;
    }
  }

  void add_key(std::string_view option, std::string value, ValueKind kind) {
    keys_.push_back({std::string(option), std::move(value), kind});
  }

  // A family member: the whole flag, or "-fname=" and its path.
  void add_family_key(const std::string& arg, ValueKind kind) {
    const size_t eq = arg.find('=');
    if (kind == ValueKind::None || eq == std::string::npos) {
      add_key(arg, "", ValueKind::None);
    } else {
      add_key(std::string_view(arg).substr(0, eq + 1), arg.substr(eq + 1), kind);
    }
  }

  void not_cached(Reason reason, std::string_view flag) {
    if (!flag_reason_) flag_reason_ = NotCachedReason{reason, row_of(reason).detail.empty() ? "" : flag_name(flag)};
  }

  // -x applies to the inputs after it; one after the last input only draws a warning.
  void set_language(const std::string& name) {
    if (!inputs_.empty()) {
      add_key("-x", name, ValueKind::Text);
      return;
    }
    language_name_ = name == "none" ? std::nullopt : std::optional<std::string>(name);
  }

  // -Wa,a,b,c and -Xassembler a: each option must be one known to change nothing but the object.
  void assembler_options(const std::vector<std::string>& options, const std::string& arg) {
    for (size_t k = 0; k < options.size(); ++k) {
      bool takes_next = false;
      const FlagClass option = classify_assembler_option(options[k], takes_next);
      const std::string detail = arg.starts_with("-Wa,") ? "-Wa," + options[k] : "-Xassembler " + options[k];
      if (option.kind == FlagClass::Kind::Reason) {
        not_cached(option.reason, detail);
        return;
      }
      if (option.kind != FlagClass::Kind::Key || (takes_next && ++k >= options.size())) {
        not_cached(Reason::UnknownFlag, detail);
        return;
      }
    }
    if (arg.starts_with("-Wa,")) {
      add_key(arg, "", ValueKind::None);
    } else {
      add_key("-Xassembler", options[0], ValueKind::Text);
    }
  }

  // -Wp,… and -Xpreprocessor hand options to the preprocessor past the driver: only macros are
  // safe (an -I there would be searched in an order larder does not know).
  void preprocessor_options(const std::vector<std::string>& options, const std::string& arg) {
    for (const auto& option : options) {
      if (option.size() < 3 || !(option.starts_with("-D") || option.starts_with("-U"))) {
        not_cached(Reason::UnknownFlag, arg.starts_with("-Wp,") ? "-Wp," + option : "-Xpreprocessor " + option);
        return;
      }
    }
    if (arg.starts_with("-Wp,")) {
      add_key(arg, "", ValueKind::None);
    } else {
      add_key("-Xpreprocessor", options[0], ValueKind::Text);
    }
  }

  // -Xclang hands one option to Clang's compiler proper: a few are known.
  void xclang(const std::string& option) {
    static constexpr std::array<std::string_view, 2> kSafe = {"-fcolor-diagnostics", "-fno-color-diagnostics"};
    static constexpr std::array<std::string_view, 5> kPch = {"-emit-pch", "-emit-pth", "-include-pch", "-include-pth",
                                                             "-fno-pch-timestamp"};
    if (std::find(kSafe.begin(), kSafe.end(), option) != kSafe.end()) {
      add_key("-Xclang", option, ValueKind::Text);
    } else if (option == "-target-feature" && i_ + 2 < args_.size() && args_[i_ + 1] == "-Xclang") {
      add_key("-Xclang", option, ValueKind::Text);
      add_key("-Xclang", args_[i_ + 2], ValueKind::Text);
      i_ += 2;
    } else if (std::find(kPch.begin(), kPch.end(), option) != kPch.end()) {
      not_cached(Reason::PrecompiledHeader, "-Xclang");
    } else {
      not_cached(Reason::UnknownFlag, "-Xclang");
    }
  }

  void refuse(Reason reason, std::string detail = "") { call_.reason = NotCachedReason{reason, std::move(detail)}; }

  // Decides in order of what describes the call best: what it does, its input, its language,
  // then the first flag that is a reason, then its outputs.
  void finish() {
    if (args_.empty() || query_ || (verbose_ && inputs_.empty() && !preprocess_ && !assembly_ && !compile_)) {
      call_.not_compilation = true;
      return;
    }
    if (std::any_of(args_.begin(), args_.end(), [](const std::string& a) { return a.starts_with("@"); })) {
      return refuse(Reason::ResponseFile);
    }
    if (preprocess_) return refuse(Reason::PreprocessOnly);
    if (assembly_) return refuse(Reason::AssemblyOutput);
    if (syntax_only_) return refuse(Reason::NotAnObject);
    if (!compile_) return refuse(Reason::Link);
    if (inputs_.empty()) return refuse(Reason::NoSource);
    if (inputs_.size() > 1) return refuse(Reason::MultipleSources);
    call_.source = inputs_.front();
    if (call_.source == "-") return refuse(Reason::StdinSource);

    const LanguageOf language = language_name_ ? language_named(*language_name_) : language_of_file(call_.source);
    if (language.kind == SourceKind::Header) return refuse(Reason::PrecompiledHeader);
    if (language.kind == SourceKind::Other) {
      const std::string_view extension = extension_of(call_.source);
      return refuse(Reason::UnsupportedLanguage, language_name_      ? flag_name(*language_name_)
                                                 : extension.empty() ? "none"
                                                                     : flag_name(extension));
    }
    call_.language = language.language;

    if (flag_reason_) return refuse(flag_reason_->reason, flag_reason_->detail);
    if (archs_.size() > 1) return refuse(Reason::MultipleArchitectures);

    call_.output = output_ ? *output_ : default_output(call_.source);
    if (call_.output == "-") return refuse(Reason::OutputToStdout);
    if (call_.output.starts_with("/dev/")) return refuse(Reason::NotAnObject);
    if (is_precompiled_header_name(call_.output)) return refuse(Reason::PrecompiledHeader);

    // GCC and Clang write no depfile for assembler that is not preprocessed.
    if (system_headers_ && call_.language != Language::Assembler) {
      if (!*system_headers_) return refuse(Reason::UserHeadersDepfile);
      DepfileRequest depfile;
      depfile.path = depfile_path_ ? *depfile_path_ : default_depfile(call_.output);
      if (depfile.path == "-") return refuse(Reason::OutputToStdout);
      depfile.system_headers = *system_headers_;
      depfile.phony_targets = phony_targets_;
      depfile.targets = depfile_targets_;
      if (!depfile.path.starts_with("/dev/")) call_.depfile = std::move(depfile);
    }

    call_.key_arguments.push_back({"-x", std::string(language_name(call_.language)), ValueKind::Text});
    call_.key_arguments.insert(call_.key_arguments.end(), keys_.begin(), keys_.end());
    std::stable_sort(
        call_.include_dirs.begin(), call_.include_dirs.end(),
        [](const IncludeDir& a, const IncludeDir& b) { return search_group(a.kind) < search_group(b.kind); });
    std::stable_sort(call_.forced_includes.begin(), call_.forced_includes.end(),
                     [](const ForcedInclude& a, const ForcedInclude& b) { return a.kind < b.kind; });
    call_.sysroot = header_sysroot_ ? header_sysroot_ : sysroot_;
  }

  static int search_group(IncludeKind kind) {
    switch (kind) {
      case IncludeKind::Quote:
        return 0;
      case IncludeKind::Angled:
      case IncludeKind::Framework:
        return 1;
      case IncludeKind::System:
      case IncludeKind::SystemFramework:
        return 2;
      case IncludeKind::After:
        return 3;
    }
    return 3;
  }

  const std::vector<std::string>& args_;
  size_t i_ = 0;
  ParsedCall call_;
  std::vector<std::string> inputs_;
  std::vector<KeyArgument> keys_;
  std::optional<NotCachedReason> flag_reason_;
  std::optional<std::string> language_name_;
  std::optional<std::string> output_;
  std::optional<std::string> sysroot_;
  std::optional<std::string> header_sysroot_;
  std::optional<std::string> depfile_path_;
  std::vector<DepfileTarget> depfile_targets_;
  std::set<std::string> archs_;
  bool compile_ = false;
  bool preprocess_ = false;
  bool assembly_ = false;
  bool syntax_only_ = false;
  bool query_ = false;
  bool verbose_ = false;
  bool end_of_options_ = false;
  std::optional<bool> system_headers_;  // set by -MD (true) or -MMD (false)
  bool phony_targets_ = false;
};

}  // namespace

std::string_view language_name(Language language) {
  switch (language) {
    case Language::C:
      return "c";
    case Language::Cxx:
      return "c++";
    case Language::Assembler:
      return "assembler";
    case Language::AssemblerWithCpp:
      return "assembler-with-cpp";
  }
  return "c";
}

std::vector<std::string> ParsedCall::key_texts() const {
  std::vector<std::string> texts;
  texts.reserve(key_arguments.size());
  for (const auto& argument : key_arguments) texts.push_back(argument.text());
  return texts;
}

ParsedCall classify(const std::vector<std::string>& args) { return Classifier(args).run(); }

}  // namespace larder::cc
