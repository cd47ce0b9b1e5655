#include "envs/splits.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/config/builtin_configs.h"
#include "core/config/checks.h"
#include "core/config/document.h"
#include "core/error.h"
#include "core/fnv1a.h"
#include "core/split_mix64.h"
#include "envs/embodiment_spec.h"
#include "envs/env.h"
#include "envs/mujoco_errors.h"
#include "envs/scene_builder.h"

namespace fb::envs {
namespace {

constexpr std::string_view kSplitDir = "splits/";
constexpr int kPlacementAttempts = 500;      // per object, as Reset did before the files existed
constexpr int kCandidatesPerState = 20;      // give up after num_states * this many candidates
constexpr double kDropClearance = 0.001;     // m between an object's bottom and the table
constexpr double kMaxSettleMotion = 0.005;   // m an object may move while settling
constexpr double kRound = 1e6;               // positions and quaternions rounded to 1e-6

double Round(double v) {
  const double r = std::round(v * kRound) / kRound;
  return r == 0 ? 0.0 : r;  // no "-0"
}

bool Inside(double v, const std::vector<double>& range) { return v >= range[0] && v <= range[1]; }

// The fields of SplitConfig that existed before distractors/visual: SplitHash dumps these
// only, adding the new fields when set, so files of the older splits keep their hash.
struct SplitCore {
  SplitConfig* s;
  template <class V>
  void Describe(V& v) {
    v("name", s->name);
    v("description", s->description);
    v("placement", s->placement);
    v("margin", s->margin);
    v("instructions", s->instructions);
    v("num_states", s->num_states);
  }
};

// Colours no task object uses, for ood-visual.
constexpr double kHeldOutPalette[][3] = {{0.95, 0.55, 0.1},  {0.95, 0.5, 0.75}, {0.1, 0.8, 0.85},
                                         {0.5, 0.32, 0.16},  {0.65, 0.9, 0.2},  {0.8, 0.1, 0.8},
                                         {0.12, 0.12, 0.12}, {0.1, 0.5, 0.5}};
constexpr int kPaletteSize = static_cast<int>(std::size(kHeldOutPalette));

std::vector<double> SampleVisual(const TaskConfig& task, const SplitConfig& split, int candidate) {
  SplitMix64 st(Fnv1a64(fmt::format("visual/{}/{}/{}", task.name, split.name, candidate), kEpisodeSeedBasis));
  std::vector<double> v;
  for (int c = 0; c < 3; ++c) v.push_back(Round(st.Uniform(0.35, 0.9)));  // table rgb
  const double brightness = st.Uniform(0.6, 1.4);
  for (int c = 0; c < 3; ++c) v.push_back(Round(brightness * st.Uniform(0.85, 1.15)));  // light diffuse x
  for (int c = 0; c < 3; ++c) v.push_back(Round(st.Uniform(-0.3, 0.3)));    // light shift, m
  for (int c = 0; c < 3; ++c) v.push_back(Round(st.Uniform(-0.02, 0.02)));  // camera shift, m
  for (int c = 0; c < 3; ++c) v.push_back(Round(st.Uniform(-0.03, 0.03)));  // camera rotation, rad
  std::vector<int> order(kPaletteSize);
  for (int i = 0; i < kPaletteSize; ++i) order[static_cast<size_t>(i)] = i;
  for (size_t i = 0; i < task.objects.size(); ++i) {  // distinct colours while the palette lasts
    const size_t left = static_cast<size_t>(kPaletteSize) - i % static_cast<size_t>(kPaletteSize);
    const size_t pick = i % static_cast<size_t>(kPaletteSize) + st.Next() % left;
    std::swap(order[i % static_cast<size_t>(kPaletteSize)], order[pick]);
    const double* rgb = kHeldOutPalette[order[i % static_cast<size_t>(kPaletteSize)]];
    v.insert(v.end(), rgb, rgb + 3);
  }
  return v;
}

// One candidate: poses (objects x 7) or empty when the objects could not be placed apart.
std::vector<double> SampleCandidate(const EnvSpec& spec, const SplitConfig& split, int candidate) {
  const TaskConfig& task = spec.task();
  SplitMix64 place(Fnv1a64(fmt::format("{}/{}/{}", task.name, split.name, candidate), kEpisodeSeedBasis));
  const bool outside = split.placement == "outside_train_regions";
  const double mg = outside ? split.margin : 0.0;
  std::vector<std::array<double, 3>> placed;  // x, y, footprint radius
  std::vector<double> poses;
  for (int i = 0; i < spec.num_objects(); ++i) {
    const ObjectConfig& object = task.objects[static_cast<size_t>(i)];
    const double radius = FootprintRadius(spec.object_box(i));
    double x = 0, y = 0, yaw = 0;
    bool ok = false;
    for (int attempt = 0; attempt < kPlacementAttempts && !ok; ++attempt) {
      x = Round(place.Uniform(object.x[0] - mg, object.x[1] + mg));
      y = Round(place.Uniform(object.y[0] - mg, object.y[1] + mg));
      yaw = place.Uniform(object.yaw[0], object.yaw[1]);
      ok = !(outside && Inside(x, object.x) && Inside(y, object.y));
      for (const auto& p : placed) {
        if (std::hypot(x - p[0], y - p[1]) < radius + p[2] + task.min_separation) ok = false;
      }
    }
    if (!ok) return {};
    placed.push_back({x, y, radius});
    const double z = Round(spec.table_z() - spec.object_box(i).lo[2] + kDropClearance);
    poses.insert(poses.end(), {x, y, z, Round(std::cos(yaw / 2)), 0.0, 0.0, Round(std::sin(yaw / 2))});
  }
  if (split.distractors > 0) {
    // 1..distractors of them in free table space: the box around every task object's
    // placement range, apart from everything placed; the others stay parked.
    double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9};
    for (const ObjectConfig& o : task.objects) {
      lo[0] = std::min(lo[0], o.x[0]);
      hi[0] = std::max(hi[0], o.x[1]);
      lo[1] = std::min(lo[1], o.y[0]);
      hi[1] = std::max(hi[1], o.y[1]);
    }
    const int count = 1 + static_cast<int>(place.Next() % static_cast<uint64_t>(split.distractors));
    for (int k = 0; k < spec.num_distractors(); ++k) {
      const DistractorConfig& dc = Distractors()[static_cast<size_t>(k)];
      if (k >= count) {
        poses.insert(poses.end(), {dc.park[0], dc.park[1], dc.park[2], 1.0, 0.0, 0.0, 0.0});
        continue;
      }
      const double radius = FootprintRadius(spec.distractor_box(k));
      double x = 0, y = 0, yaw = 0;
      bool ok = false;
      for (int attempt = 0; attempt < kPlacementAttempts && !ok; ++attempt) {
        x = Round(place.Uniform(lo[0], hi[0]));
        y = Round(place.Uniform(lo[1], hi[1]));
        yaw = place.Uniform(-0.785, 0.785);
        ok = true;
        for (const auto& p : placed) {
          if (std::hypot(x - p[0], y - p[1]) < radius + p[2] + task.min_separation) ok = false;
        }
      }
      if (!ok) return {};
      placed.push_back({x, y, radius});
      const double z = Round(spec.table_z() - spec.distractor_box(k).lo[2] + kDropClearance);
      poses.insert(poses.end(), {x, y, z, Round(std::cos(yaw / 2)), 0.0, 0.0, Round(std::sin(yaw / 2))});
    }
  }
  return poses;
}

[[noreturn]] void Stale(const InitStates& s, const std::string& what) {
  throw InputError(fmt::format("{}: {}; regenerate the initial states with: {}", s.path.string(), what,
                               RegenerateCommand(s.suite)));
}

}  // namespace

SplitConfig LoadSplit(std::string_view name) {
  const std::string file = fmt::format("{}{}.yaml", kSplitDir, name);
  if (!config::BuiltinConfig(file)) {
    const auto known = BuiltinSplits();
    throw InputError(fmt::format("unknown split '{}'; known: {}{}", name, fmt::join(known, ", "),
                                 config::DidYouMean(std::string(name), known)));
  }
  SplitConfig split;
  config::Apply(config::LoadBuiltin(file), split, /*complete=*/true);
  if (split.name != name) {
    throw InputError(fmt::format("configs/{}: name '{}' differs from the file name", file, split.name));
  }
  const std::vector<std::string> known = BuiltinEmbodiments();
  std::set<std::string> seen;
  for (const std::string& embodiment : split.embodiments) {
    if (std::find(known.begin(), known.end(), embodiment) == known.end()) {
      throw InputError(fmt::format("configs/{}: embodiments: unknown embodiment '{}'; known: {}", file, embodiment,
                                   fmt::join(known, ", ")));
    }
    if (!seen.insert(embodiment).second) {
      throw InputError(fmt::format("configs/{}: embodiments lists '{}' twice", file, embodiment));
    }
  }
  return split;
}

std::vector<std::string> BuiltinSplits() { return config::BuiltinConfigStemsIn(kSplitDir); }

std::vector<std::string> HeldOutEmbodiments() {
  std::set<std::string> held_out;
  for (const std::string& name : BuiltinSplits()) {
    for (const std::string& embodiment : LoadSplit(name).embodiments) held_out.insert(embodiment);
  }
  return {held_out.begin(), held_out.end()};
}

const std::vector<std::string>& SplitInstructions(const TaskConfig& task, const SplitConfig& split) {
  if (split.instructions == "heldout_instructions") {
    if (task.heldout_instructions.empty()) {
      throw InputError(fmt::format("split '{}' needs heldout_instructions, which task '{}' (configs/tasks/{}.yaml) "
                                   "does not have",
                                   split.name, task.name, task.name));
    }
    return task.heldout_instructions;
  }
  return task.instructions;
}

std::string TaskPlacementHash(const TaskConfig& task) {
  std::string text;
  for (const ObjectConfig& o : task.objects) {
    text += fmt::format("{} {} x{:.17g},{:.17g} y{:.17g},{:.17g} yaw{:.17g},{:.17g}\n", o.name, o.kind, o.x[0], o.x[1],
                        o.y[0], o.y[1], o.yaw[0], o.yaw[1]);
    if (o.joint != 0) text += fmt::format("{} joint {:.17g}\n", o.name, o.joint);  // absent before articulation
  }
  text += fmt::format("min_separation {:.17g}\nsettle_steps {}\n", task.min_separation, task.settle_steps);
  return config::HashText(text);
}

std::string SplitHash(const SplitConfig& split) {
  SplitConfig copy = split;
  std::string text = config::Dump(SplitCore{&copy});
  if (split.distractors != 0) text += fmt::format("distractors: {}\n", split.distractors);
  if (split.visual != "none") text += fmt::format("visual: {}\n", split.visual);
  return config::HashText(text);
}

std::vector<std::string> SplitObjectNames(const TaskConfig& task, const SplitConfig& split) {
  std::vector<std::string> names;
  for (const ObjectConfig& o : task.objects) names.push_back(o.name);
  if (split.distractors > 0) {
    for (const DistractorConfig& d : Distractors()) names.push_back(d.name);
  }
  return names;
}

std::filesystem::path InitStatePath(const std::string& suite, const std::string& task, const std::string& split) {
  return AssetsDir() / "init_states" / suite / task / (split + ".json");
}

std::string RegenerateCommand(const std::string& suite) {
  return fmt::format("fasterbench splits generate --suite {}", suite);
}

InitStates LoadInitStates(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(fmt::format("{}: cannot read the initial-state file; generate it with: fasterbench splits "
                                 "generate",
                                 path.string()));
  }
  InitStates s;
  s.path = path;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    s.format_version = j.at("format_version").get<int>();
    if (s.format_version != kInitStateFormatVersion) {
      throw InputError(fmt::format("{}: format_version {} is not {}", path.string(), s.format_version,
                                   kInitStateFormatVersion));
    }
    s.generator_version = j.at("generator_version").get<int>();
    s.suite = j.at("suite").get<std::string>();
    s.task = j.at("task").get<std::string>();
    s.split = j.at("split").get<std::string>();
    s.task_hash = j.at("task_hash").get<std::string>();
    s.split_hash = j.at("split_hash").get<std::string>();
    s.objects = j.at("objects").get<std::vector<std::string>>();
    s.states = j.at("states").get<std::vector<std::vector<double>>>();
    if (j.contains("visual")) s.visual = j.at("visual").get<std::vector<std::vector<double>>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a valid initial-state file: {}", path.string(), e.what()));
  }
  for (size_t i = 0; i < s.states.size(); ++i) {
    if (s.states[i].size() != 7 * s.objects.size()) {
      throw InputError(fmt::format("{}: states[{}] has {} values, expected {} (7 per object)", path.string(), i,
                                   s.states[i].size(), 7 * s.objects.size()));
    }
  }
  if (!s.visual.empty() && s.visual.size() != s.states.size()) {
    throw InputError(fmt::format("{}: {} visual entries for {} states", path.string(), s.visual.size(),
                                 s.states.size()));
  }
  return s;
}

void CheckInitStatesMatch(const InitStates& s, const TaskConfig& task, const SplitConfig& split) {
  if (s.task != task.name || s.split != split.name) {
    Stale(s, fmt::format("holds states of task '{}' split '{}', not '{}' split '{}'", s.task, s.split, task.name,
                         split.name));
  }
  const std::string hash = TaskPlacementHash(task);
  if (s.task_hash != hash) {
    Stale(s, fmt::format("was generated for other placement settings of task '{}' (file task_hash {}, current {})",
                         task.name, s.task_hash, hash));
  }
  if (s.split_hash != SplitHash(split)) {
    Stale(s, fmt::format("was generated for another definition of split '{}' (file split_hash {}, current {})",
                         split.name, s.split_hash, SplitHash(split)));
  }
  const std::vector<std::string> names = SplitObjectNames(task, split);
  if (s.objects != names) {
    Stale(s, fmt::format("objects [{}] differ from the task's [{}]", fmt::join(s.objects, ", "),
                         fmt::join(names, ", ")));
  }
  const bool visual = split.visual != "none";
  if (visual != !s.visual.empty()) Stale(s, visual ? "has no visual overrides" : "has unexpected visual overrides");
  for (const auto& v : s.visual) {
    if (v.size() != kVisualFixed + 3 * task.objects.size()) Stale(s, "visual entries have the wrong size");
  }
}

void ApplyVisual(const EnvSpec& spec, const std::vector<double>& visual, mjData* d) {
  const mjModel* m = spec.model();
  if (m->nuserdata < kVisualUserdataSize) {
    throw InputError(fmt::format("the scene has nuserdata {}, ood-visual needs {} (assets/scenes/tabletop.xml)",
                                 m->nuserdata, kVisualUserdataSize));
  }
  double* u = d->userdata;
  std::fill_n(u, kVisualUserdataSize, 0.0);
  if (visual.empty()) return;
  const int n = spec.num_objects();
  if (n > kVisualMaxObjects || visual.size() != static_cast<size_t>(kVisualFixed + 3 * n)) {
    throw InputError(fmt::format("visual overrides: {} values for {} objects (at most {})", visual.size(), n,
                                 kVisualMaxObjects));
  }
  u[0] = 1;
  u[1] = mj_name2id(m, mjOBJ_CAMERA, "agentview");
  u[2] = n;
  for (int i = 0; i < n; ++i) u[3 + i] = spec.object_body(i);
  std::copy(visual.begin(), visual.end(), u + 3 + n);
}

void ApplyObjectPoses(const EnvSpec& spec, const std::vector<double>& poses, double* qpos, double* qvel) {
  const mjModel* m = spec.model();
  for (int i = 0; i < spec.num_objects(); ++i) {
    std::copy_n(poses.begin() + 7 * i, 7, qpos + spec.object_qpos_adr(i));
    std::fill_n(qvel + spec.object_dof_adr(i), 6, 0.0);
    if (const int joint = spec.object_joint(i); joint >= 0) {  // a drawer's opening, from the task
      qpos[m->jnt_qposadr[joint]] = spec.task().objects[static_cast<size_t>(i)].joint;
      qvel[m->jnt_dofadr[joint]] = 0.0;
    }
  }
  if (poses.size() == 7 * static_cast<size_t>(spec.num_objects() + spec.num_distractors())) {
    for (int k = 0; k < spec.num_distractors(); ++k) {
      std::copy_n(poses.begin() + 7 * (spec.num_objects() + k), 7, qpos + spec.distractor_qpos_adr(k));
      std::fill_n(qvel + spec.distractor_dof_adr(k), 6, 0.0);
    }
  }
}

InitStates GenerateInitStates(const EnvSpec& spec, const SplitConfig& split) {
  const TaskConfig& task = spec.task();
  InitStates out;
  out.suite = spec.suite();
  out.task = task.name;
  out.split = split.name;
  out.task_hash = TaskPlacementHash(task);
  out.split_hash = SplitHash(split);
  out.objects = SplitObjectNames(task, split);
  const int placed_objects = static_cast<int>(out.objects.size());

  const mjModel* m = spec.model();
  const int table = mj_name2id(m, mjOBJ_GEOM, "table_top");
  const double* tpos = m->geom_pos + 3 * table;
  const double* tsize = m->geom_size + 3 * table;
  DataPtr data = MakeData(m);
  mjData* d = data.get();
  std::set<std::vector<double>> seen;
  const int max_candidates = split.num_states * kCandidatesPerState;
  int candidate = 0;
  for (; candidate < max_candidates && static_cast<int>(out.states.size()) < split.num_states; ++candidate) {
    std::vector<double> poses = SampleCandidate(spec, split, candidate);
    if (poses.empty() || seen.count(poses)) continue;
    bool ok = true;
    for (int i = 0; i < placed_objects && ok; ++i) {  // footprint on the table (parked ones aside)
      if (i >= spec.num_objects() && poses[7 * i] > tpos[0] + tsize[0]) continue;
      const double r = FootprintRadius(i < spec.num_objects() ? spec.object_box(i)
                                                              : spec.distractor_box(i - spec.num_objects()));
      ok = std::abs(poses[7 * i] - tpos[0]) + r <= tsize[0] && std::abs(poses[7 * i + 1] - tpos[1]) + r <= tsize[1];
    }
    if (!ok) continue;
    ResetToHome(spec.embodiment(), m, d);
    ApplyObjectPoses(spec, poses, d->qpos, d->qvel);
    mj_forward(m, d);
    for (int s = 0; s < task.settle_steps * spec.substeps(); ++s) mj_step(m, d);
    ok = DataWarningCount(d) == 0;
    for (int i = 0; i < placed_objects && ok; ++i) {  // settles in place
      const double* q = d->qpos + (i < spec.num_objects() ? spec.object_qpos_adr(i)
                                                          : spec.distractor_qpos_adr(i - spec.num_objects()));
      const double* p = poses.data() + 7 * i;
      ok = std::isfinite(q[0]) && std::hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]) <= kMaxSettleMotion;
    }
    if (!ok) continue;
    seen.insert(poses);
    out.states.push_back(std::move(poses));
    if (split.visual != "none") out.visual.push_back(SampleVisual(task, split, candidate));
  }
  if (static_cast<int>(out.states.size()) < split.num_states) {
    throw InputError(fmt::format("task '{}' split '{}': only {} of {} initial states passed the checks after {} "
                                 "candidates; widen the placement ranges or lower min_separation",
                                 task.name, split.name, out.states.size(), split.num_states, candidate));
  }
  return out;
}

std::string InitStatesToJson(const InitStates& s) {
  std::string text = "{\n";
  text += fmt::format(
      "\"comment\": \"Initial states of {}/{} split {}: generated by `{}` (format {}, generator {}); do not edit. "
      "Each state: per object x y z qw qx qy qz (world metres), settled in place. Regenerate after changing the "
      "task's objects, min_separation or settle_steps, or the split.{}\",\n",
      s.suite, s.task, s.split, RegenerateCommand(s.suite), s.format_version, s.generator_version,
      s.visual.empty() ? "" : " \\\"visual\\\": per state the renderer-only overrides (layout: kVisualFixed in envs/splits.h).");
  const nlohmann::json objects = s.objects;
  text += fmt::format(
      "\"format_version\": {},\n\"generator_version\": {},\n\"suite\": \"{}\",\n\"task\": \"{}\",\n\"split\": "
      "\"{}\",\n\"task_hash\": \"{}\",\n\"split_hash\": \"{}\",\n\"objects\": {},\n\"states\": [\n",
      s.format_version, s.generator_version, s.suite, s.task, s.split, s.task_hash, s.split_hash, objects.dump());
  const auto rows = [&text](const std::vector<std::vector<double>>& table) {
    for (size_t i = 0; i < table.size(); ++i) {
      std::vector<std::string> values;
      for (double v : table[i]) values.push_back(fmt::format("{}", Round(v)));
      text += fmt::format("[{}]{}\n", fmt::join(values, ","), i + 1 < table.size() ? "," : "");
    }
  };
  rows(s.states);
  if (!s.visual.empty()) {  // ood-visual; see kVisualFixed in splits.h for the layout
    text += "],\n\"visual\": [\n";
    rows(s.visual);
  }
  text += "]\n}\n";
  return text;
}

std::filesystem::path WriteInitStates(const InitStates& s) {
  const std::filesystem::path path = InitStatePath(s.suite, s.task, s.split);
  WriteFileAtomic(path, InitStatesToJson(s));
  return path;
}

}  // namespace fb::envs
