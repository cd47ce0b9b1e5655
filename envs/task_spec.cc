#include "envs/task_spec.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/config/builtin_configs.h"
#include "core/config/checks.h"
#include "core/config/document.h"
#include "core/error.h"

namespace fb::envs {
namespace {

constexpr std::string_view kSuiteDir = "suites/";
constexpr std::string_view kTaskDir = "tasks/";
constexpr std::string_view kSuffix = ".yaml";

[[noreturn]] void Invalid(const TaskConfig& c, const std::string& message) {
  throw InputError(fmt::format("task '{}' (configs/tasks/{}.yaml): {}", c.name, c.name, message));
}

void CheckRange(const TaskConfig& c, const std::string& what, const std::vector<double>& range) {
  if (range.size() != 2 || !(range[0] <= range[1])) {
    Invalid(c, fmt::format("{} must be [lo, hi] with lo <= hi, got [{}]", what, fmt::join(range, ", ")));
  }
}

// A pick_place step names pick and place; the other skills name one object of their kind.
void ValidateExpertStep(const TaskConfig& c, size_t index) {
  const ExpertStepConfig& s = c.expert[index];
  const bool pick_place = s.skill == "pick_place";
  const std::vector<std::string> refs = pick_place ? std::vector{s.pick, s.place} : std::vector{s.object};
  const std::string unused = pick_place ? s.object : s.pick + s.place;
  if (!unused.empty()) {
    Invalid(c, fmt::format("expert[{}]: skill {} takes {}", index, s.skill,
                           pick_place ? "pick and place, not object" : "object, not pick or place"));
  }
  for (const std::string& ref : refs) {
    if (ref.empty()) {
      Invalid(c, fmt::format("expert[{}]: skill {} needs {}", index, s.skill,
                             pick_place ? "pick and place" : "object"));
    }
    if (FindObject(c, ref) < 0) Invalid(c, fmt::format("expert step names unknown object '{}'", ref));
  }
  if (pick_place) return;
  const std::string& kind = c.objects[static_cast<size_t>(FindObject(c, s.object))].kind;
  const std::string needed = s.skill == "press" ? "button" : "drawer";
  if (kind != needed) {
    Invalid(c, fmt::format("expert[{}]: skill {} acts on a {}, but '{}' is a {}", index, s.skill, needed, s.object,
                           kind));
  }
}

}  // namespace

void TaskConfig::Validate() const {
  std::set<std::string> names;
  for (const ObjectConfig& o : objects) {
    if (!names.insert(o.name).second) Invalid(*this, fmt::format("two objects are named '{}'", o.name));
    if (o.rgba.size() != 4) Invalid(*this, fmt::format("objects '{}': rgba has {} values, expected 4", o.name, o.rgba.size()));
    CheckRange(*this, fmt::format("objects '{}': x", o.name), o.x);
    CheckRange(*this, fmt::format("objects '{}': y", o.name), o.y);
    CheckRange(*this, fmt::format("objects '{}': yaw", o.name), o.yaw);
    if (o.joint != 0 && o.kind != "drawer" && o.kind != "button") {
      Invalid(*this, fmt::format("objects '{}': joint {} given, but a {} has no inner joint", o.name, o.joint, o.kind));
    }
  }
  for (const RegionConfig& r : regions) {
    if (!names.insert(r.name).second) Invalid(*this, fmt::format("region name '{}' is already used", r.name));
    CheckRange(*this, fmt::format("regions '{}': x", r.name), r.x);
    CheckRange(*this, fmt::format("regions '{}': y", r.name), r.y);
  }
  for (size_t i = 0; i < expert.size(); ++i) ValidateExpertStep(*this, i);
  std::vector<std::string> templates = instructions;
  templates.insert(templates.end(), heldout_instructions.begin(), heldout_instructions.end());
  for (const std::string& text : instructions) {
    if (std::find(heldout_instructions.begin(), heldout_instructions.end(), text) != heldout_instructions.end()) {
      Invalid(*this, fmt::format("instruction '{}' is also in heldout_instructions", text));
    }
  }
  for (const std::string& text : templates) {
    for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
      const size_t close = text.find('}', open);
      if (close == std::string::npos) Invalid(*this, fmt::format("instruction '{}' has an unclosed '{{'", text));
      const std::string ref = text.substr(open + 1, close - open - 1);
      if (FindObject(*this, ref) < 0) {
        Invalid(*this, fmt::format("instruction '{}' names unknown object '{}'", text, ref));
      }
    }
  }
  if (success.layers.empty()) Invalid(*this, "success predicate is missing");
}

SuiteConfig LoadSuite(std::string_view name) {
  const std::string file = fmt::format("{}{}{}", kSuiteDir, name, kSuffix);
  if (!config::BuiltinConfig(file)) {
    const auto known = BuiltinSuites();
    throw InputError(fmt::format("unknown suite '{}'; known: {}{}", name, fmt::join(known, ", "),
                                 config::DidYouMean(std::string(name), known)));
  }
  SuiteConfig suite;
  config::Apply(config::LoadBuiltin(file), suite, /*complete=*/true);
  if (suite.name != name) {
    throw InputError(fmt::format("configs/{}: name '{}' differs from the file name", file, suite.name));
  }
  return suite;
}

TaskConfig LoadTask(std::string_view suite_name, std::string_view task) {
  const SuiteConfig suite = LoadSuite(suite_name);
  if (std::find(suite.tasks.begin(), suite.tasks.end(), task) == suite.tasks.end()) {
    throw InputError(fmt::format("suite '{}' has no task '{}'; its tasks: {}{}", suite_name, task,
                                 fmt::join(suite.tasks, ", "), config::DidYouMean(std::string(task), suite.tasks)));
  }
  const std::string file = fmt::format("{}{}{}", kTaskDir, task, kSuffix);
  if (!config::BuiltinConfig(file)) {
    throw InputError(fmt::format("suite '{}' lists task '{}' but configs/{} does not exist", suite_name, task, file));
  }
  TaskConfig config;
  config::Apply(config::LoadBuiltin(file), config, /*complete=*/true);
  if (config.name != task) {
    throw InputError(fmt::format("configs/{}: name '{}' differs from the file name", file, config.name));
  }
  config::Validate(config);
  return config;
}

std::vector<std::string> BuiltinSuites() { return config::BuiltinConfigStemsIn(kSuiteDir); }

int FindObject(const TaskConfig& task, std::string_view name) {
  for (size_t i = 0; i < task.objects.size(); ++i) {
    if (task.objects[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace fb::envs
