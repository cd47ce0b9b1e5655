// Splits as data (configs/splits/<name>.yaml) and their fixed, versioned initial states
// (assets/init_states/<suite>/<task>/<split>.json).
//
// A split says where objects start (the task's training placement regions, or outside them)
// and which instruction templates are used. For each (suite, task, split) the generator draws
// candidate placements from a stream keyed by (task, split, candidate), keeps the first
// `num_states` that pass the checks (footprints apart, on the table, settle in place), and
// writes them to a committed JSON file. Reset loads state `init_index` from that file, so an
// episode's start never depends on anything but its EpisodeId. The file records the task's
// placement hash; Reset refuses a file generated for other placement settings.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mujoco/mujoco.h>

#include "core/config/schema.h"
#include "envs/task_spec.h"

namespace fb::envs {

class EnvSpec;

struct SplitConfig {
  std::string name;
  std::string description;
  std::string placement;     // train_regions | outside_train_regions
  double margin{};           // metres each training region is enlarged by (outside_train_regions)
  std::string instructions;  // instructions | heldout_instructions: the task field templates come from
  int num_states{};          // initial states generated per task
  int distractors = 0;       // ood-distractor: up to this many Distractors() placed per state (1..n)
  std::string visual = "none";  // none | randomized: per-state colours, lights, table, camera shift
  // ood-embodiment: the embodiments this split is evaluated on, held out of demonstration
  // collection (and of every other split's evaluation); empty = no embodiment is held out.
  // Initial states do not depend on it (object poses only), so it is not part of SplitHash.
  std::vector<std::string> embodiments;
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("description", description, config::NonEmpty{});
    v("placement", placement, config::OneOf{"train_regions", "outside_train_regions"});
    v("margin", margin, config::Range{0.0, 0.5});
    v("instructions", instructions, config::OneOf{"instructions", "heldout_instructions"});
    v("num_states", num_states, config::Range{1, 100000});
    v("distractors", distractors, config::Range{0, 2}, config::Optional{});
    v("visual", visual, config::OneOf{"none", "randomized"}, config::Optional{});
    v("embodiments", embodiments, config::Optional{});
  }
};

// Loads configs/splits/<name>.yaml. Throws fb::InputError for an unknown split (listing the
// known ones) or an invalid file (an unknown or repeated held-out embodiment included).
SplitConfig LoadSplit(std::string_view name);

// Names of configs/splits/*.yaml, sorted.
std::vector<std::string> BuiltinSplits();

// The union of every built-in split's `embodiments`, sorted: embodiments held out of
// demonstration collection by default.
std::vector<std::string> HeldOutEmbodiments();

// The instruction templates split `split` draws from; throws fb::InputError when the task
// has none of that kind.
const std::vector<std::string>& SplitInstructions(const TaskConfig& task, const SplitConfig& split);

inline constexpr int kInitStateFormatVersion = 1;
inline constexpr int kInitStateGeneratorVersion = 1;

// ood-visual: a state's visual overrides, applied by the renderer only (physics unchanged).
// Layout of one state's `visual` vector (all world frame):
//   [0..2] table rgb, [3..5] light diffuse multiplier (every model light), [6..8] light
//   position shift (m), [9..11] agent-view camera position shift (m), [12..14] agent-view
//   camera rotation (axis-angle, rad), then rgb of each task object in task order.
// The design: mjModel is shared and immutable across workers, so Reset copies the episode's
// overrides into its own mjData::userdata (nuserdata = kVisualUserdataSize, declared in
// assets/scenes/tabletop.xml), and Renderer::Render edits the mjvScene's geoms, lights and
// camera after mjv_updateScene. So every caller of Renderer::Render gets them, nothing shared
// is mutated, and an episode's images stay a pure function of its EpisodeId.
inline constexpr int kVisualFixed = 15;
inline constexpr int kVisualUserdataSize = 64;
// userdata: [0] 1 when active, [1] agent-view camera id, [2] n objects, [3..3+n) their body
// ids, then the visual vector (kVisualFixed + 3 n values).
inline constexpr int kVisualMaxObjects = (kVisualUserdataSize - 3 - kVisualFixed) / 4;

// Hash of what initial states depend on in a task: its objects (names, kinds, placement
// ranges, initial joint values), min_separation and settle_steps. Instructions, predicates and limits are not part
// of it.
std::string TaskPlacementHash(const TaskConfig& task);
std::string SplitHash(const SplitConfig& split);

struct InitStates {
  int format_version = kInitStateFormatVersion;
  int generator_version = kInitStateGeneratorVersion;
  std::string suite, task, split;
  std::string task_hash;   // TaskPlacementHash at generation
  std::string split_hash;  // SplitHash at generation
  std::vector<std::string> objects;         // task object order
  std::vector<std::vector<double>> states;  // (states) x (objects x 7): pos xyz, quat wxyz
  // ood-visual only, else empty: (states) x (kVisualFixed + 3 x task objects), see above.
  std::vector<std::vector<double>> visual;
  std::filesystem::path path;               // where it was loaded from (empty when generated)
};

// assets/init_states/<suite>/<task>/<split>.json under AssetsDir().
std::filesystem::path InitStatePath(const std::string& suite, const std::string& task, const std::string& split);

// The shell command that regenerates a suite's files.
std::string RegenerateCommand(const std::string& suite);

// Reads and checks a file (format, names). Throws fb::InputError naming the file; a missing
// file's message gives RegenerateCommand.
InitStates LoadInitStates(const std::filesystem::path& path);

// Throws fb::InputError naming the file and RegenerateCommand when `states` were generated for
// other placement settings than `task` or for another split definition.
void CheckInitStatesMatch(const InitStates& states, const TaskConfig& task, const SplitConfig& split);

// Draws and checks `split.num_states` states for spec's task (settled in spec's model).
// Throws fb::InputError when too few candidates pass.
InitStates GenerateInitStates(const EnvSpec& spec, const SplitConfig& split);

// Compact JSON, one state per line, positions rounded to 1e-6, with a "comment" naming the
// regenerating command.
std::string InitStatesToJson(const InitStates& states);

// Writes InitStatesToJson to InitStatePath atomically; returns the path.
std::filesystem::path WriteInitStates(const InitStates& states);

// Places object i at pose[7 * i ...] in `d` (qpos), zeroing its velocity, and sets an
// articulated object's inner joint to the task's `joint` value; when `poses` also holds the
// distractors (ood-distractor), places them after the task objects.
void ApplyObjectPoses(const EnvSpec& spec, const std::vector<double>& poses, double* qpos, double* qvel);

// Writes `visual` (one state's vector, or empty to clear) into d->userdata for the renderer.
void ApplyVisual(const EnvSpec& spec, const std::vector<double>& visual, mjData* d);

// Object names an init-state file of `split` lists: the task's, then Distractors() for a
// split with distractors.
std::vector<std::string> SplitObjectNames(const TaskConfig& task, const SplitConfig& split);

}  // namespace fb::envs
