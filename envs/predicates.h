// Success predicates: a tree of geometric primitives over the bodies of a scene, combined with
// all/any/sequence, written in a task's YAML `success:` section:
//
//   success:
//     all:
//       - on: [red_block, plate]          # a rests on b: xy inside b, bottom at b's top, slow
//       - in: [blue_block, bowl]          # a inside a container's footprint, below its rim, slow
//       - inside_region: [red_block, left_zone]  # centre inside a task region, slow
//       - lifted: [red_block, 0.05]       # bottom >= 0.05 m above where it started
//       - near: [red_block, bowl, 0.1]    # body origins closer than 0.1 m
//       - upright: [cylinder]             # body z axis within 15 degrees of world z
//       - open: [drawer, 0.7]             # drawer slide joint at >= 70% of its range
//       - closed: [drawer]                # drawer slide joint within 10% of its range of shut
//       - pressed: [button]               # button pushed past 60% of its travel at some step
//       - sequence: [..., ...]            # children become true in this order (the last one now)
//
// `on`, `in` and `inside_region` require the object to move slower than
// PredicateTolerances::max_speed relative to its support, so an object flying through the
// target does not count. `open`/`closed` read the object's joint "<name>_slide" and `pressed`
// its joint "<name>_press" (assets/objects/drawer.xml, button.xml), normalised by the joint
// range; a button springs back, so `pressed` stays true once reached. The tree is immutable
// (shared by workers); per-episode memory (sequence progress, initial heights, presses) lives
// in a PredicateState.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <mujoco/mujoco.h>

#include "core/config/schema.h"
#include "envs/body_geometry.h"
#include "envs/task_spec.h"

namespace fb::envs {

struct PredicateTolerances {
  double max_speed = 0.05;          // m/s, relative to the support (on/in) or world
  double max_angular_speed = 1.0;   // rad/s
  double height = 0.012;            // m, |bottom of a - top of b| for `on`
  double footprint_margin = 0.0;    // m, shrinks b's footprint for `on`
  double container_margin = 0.004;  // m, shrinks a container's footprint for `in`
  double upright_cos = 0.9659;      // cos(15 degrees)
  double closed_fraction = 0.1;     // of a drawer's slide range, at most, for `closed`
  double pressed_fraction = 0.6;    // of a button's travel, at least, for `pressed`
};

// Per-episode memory of a predicate tree.
struct PredicateState {
  std::vector<int> stage;             // (sequence nodes) index of the child being waited for
  std::vector<double> initial_bottom;  // (nodes) bottom z of `lifted` objects at ResetState
  std::vector<char> reached;           // (nodes) `pressed` has held at some step
};

class Predicate final {
 public:
  enum class Kind {
    kOn, kIn, kInsideRegion, kLifted, kNear, kUpright, kOpen, kClosed, kPressed, kAll, kAny, kSequence
  };

  // Parses `node` (a map with one key, see above) located at `path` of `doc`, resolving object
  // names as body names of m and region names in `regions`. Throws fb::InputError with
  // file:line, the key path and the problem (unknown primitive, body or region, wrong arity).
  static Predicate Parse(const YAML::Node& node, const config::Document& doc, const std::string& path,
                         const mjModel* m, const std::vector<RegionConfig>& regions,
                         PredicateTolerances tolerances = {});
  // Parse of a task's success section.
  static Predicate Parse(const config::Subtree& section, const mjModel* m, const std::vector<RegionConfig>& regions,
                         PredicateTolerances tolerances = {});
  // Parse of YAML text (tests, tools); `origin` names it in errors.
  static Predicate ParseText(std::string_view yaml, const mjModel* m, const std::vector<RegionConfig>& regions = {},
                             PredicateTolerances tolerances = {});

  // Clears sequence progress and `pressed` memory and records the reference heights of `lifted` objects from d.
  void ResetState(const mjData* d, PredicateState& state) const;

  // Whether the predicate holds in d's current state (xpos/xmat/contacts/velocities as left by
  // mj_step or mj_forward); advances sequence progress in `state`. Evaluates every node.
  bool Evaluate(const mjModel* m, const mjData* d, PredicateState& state) const;

  // Readable form, e.g. "all(on(red_block, plate), upright(red_block))".
  std::string ToString() const;

 private:
  struct Node {
    Kind kind = Kind::kAll;
    int a = -1;  // body ids
    int b = -1;
    int joint = -1;            // open/closed/pressed: the object's slide joint
    double value = 0;          // lifted height, near distance or open fraction
    double region[4] = {};     // x lo, x hi, y lo, y hi
    std::string text;          // for ToString
    std::vector<int> children; // node indices
    int slot = -1;             // sequence stage index
  };
  struct Parser;

  bool EvaluateNode(int index, const mjModel* m, const mjData* d, PredicateState& state) const;
  bool Slow(const mjModel* m, const mjData* d, int body, int relative_to) const;
  static double JointFraction(const mjModel* m, const mjData* d, int joint);
  std::string NodeString(int index) const;

  std::vector<Node> k_nodes_;  // root at 0
  std::vector<LocalBox> k_boxes_;  // (nbody) local boxes of every body
  int k_num_sequences_ = 0;
  PredicateTolerances k_tol_;
};

}  // namespace fb::envs
