// A task as data: the scene objects and where they may start, the instruction templates, the
// success predicate and the episode limits. Loaded from configs/tasks/<task>.yaml; a suite
// (configs/suites/<suite>.yaml) lists its tasks and the embodiments they run on. Immutable
// after loading, so workers share one spec.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config/schema.h"

namespace fb::envs {

// One free object on the table; its shape comes from assets/objects/<kind>.xml.
struct ObjectConfig {
  std::string name;          // body name in the model, e.g. "red_block"
  std::string kind;          // an assets/objects/<kind>.xml file
  std::string label;         // words used in instructions, e.g. "red block"
  std::vector<double> rgba;  // (4)
  std::vector<double> x;     // (2) initial-placement range of the body centre, metres, world frame
  std::vector<double> y;     // (2)
  std::vector<double> yaw;   // (2) radians about world z
  // Articulated kinds (drawer, button): the initial position of the object's one inner joint
  // (drawer opening in metres), set with the pose of every initial state; within its range.
  double joint = 0;
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("kind", kind,
      config::OneOf{"block", "cylinder", "bowl", "plate", "box", "can", "basket", "drawer", "button"});
    v("label", label, config::NonEmpty{});
    v("rgba", rgba);
    v("x", x);
    v("y", y);
    v("yaw", yaw);
    v("joint", joint, config::Optional{});
  }
};

// A named axis-aligned rectangle on the table for inside_region(object, region).
struct RegionConfig {
  std::string name;
  std::vector<double> x;  // (2) metres, world frame
  std::vector<double> y;  // (2)
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("x", x);
    v("y", y);
  }
};

// One step of the scripted expert. `skill` pick_place (the default): grasp `pick`, release it
// above `place`. pull: open drawer `object` to `opening` (fraction of its slide range); push:
// close drawer `object`; press: press button `object`. On a bimanual embodiment `arm` says
// which arm does it; each arm runs its own steps in order, the arms at the same time.
struct ExpertStepConfig {
  std::string skill = "pick_place";
  std::string pick;
  std::string place;
  std::string object;
  double opening = 0.9;
  int arm = 0;
  template <class V>
  void Describe(V& v) {
    v("skill", skill, config::OneOf{"pick_place", "pull", "push", "press"}, config::Optional{});
    v("pick", pick, config::NonEmpty{}, config::Optional{});
    v("place", place, config::NonEmpty{}, config::Optional{});
    v("object", object, config::NonEmpty{}, config::Optional{});
    v("opening", opening, config::Range{0.1, 1.0}, config::Optional{});
    v("arm", arm, config::Range{0, 1}, config::Optional{});
  }
};

struct TaskConfig {
  std::string name;
  std::string description;
  std::vector<ObjectConfig> objects;
  std::vector<RegionConfig> regions;
  std::vector<std::string> instructions;  // templates; "{red_block}" becomes that object's label
  std::vector<std::string> heldout_instructions;  // paraphrases used only by the ood-language split
  config::Subtree success;                // predicate tree, see predicates.h
  int hold_steps{};                       // control steps the predicate must hold to count
  int max_steps{};                        // control steps before a timeout
  int settle_steps{};                     // physics-only control steps after placing objects
  double min_separation{};                // metres between object footprints at placement
  std::vector<ExpertStepConfig> expert;   // the scripted expert's plan
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("description", description);
    v("objects", objects, config::NonEmpty{});
    v("regions", regions);
    v("instructions", instructions, config::NonEmpty{});
    v("heldout_instructions", heldout_instructions, config::Optional{});
    v("success", success);
    v("hold_steps", hold_steps, config::Range{1, 1000});
    v("max_steps", max_steps, config::Range{1, 100000});
    v("settle_steps", settle_steps, config::Range{0, 1000});
    v("min_separation", min_separation, config::Range{0.0, 0.5});
    v("expert", expert);
  }
  // Range shapes, unique names, expert and instruction references; throws fb::InputError
  // naming the task and the offending value.
  void Validate() const;
};

struct SuiteConfig {
  std::string name;
  std::string description;
  std::vector<std::string> tasks;        // names of configs/tasks/<task>.yaml
  std::vector<std::string> embodiments;  // every task runs on each of these
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("description", description);
    v("tasks", tasks, config::NonEmpty{});
    v("embodiments", embodiments, config::NonEmpty{});
  }
};

// Loads configs/suites/<name>.yaml. Throws fb::InputError for an unknown suite (listing the
// known ones) or an invalid file.
SuiteConfig LoadSuite(std::string_view name);

// Loads configs/tasks/<task>.yaml and checks that suite `suite` lists it. Throws
// fb::InputError for an unknown suite or task (listing the suite's tasks) or an invalid file.
TaskConfig LoadTask(std::string_view suite, std::string_view task);

// Names of the built-in suites (configs/suites/*.yaml), sorted.
std::vector<std::string> BuiltinSuites();

// Index of the object named `name` in task.objects, or -1 when absent.
int FindObject(const TaskConfig& task, std::string_view name);

}  // namespace fb::envs
