// A scripted expert that uses privileged state to run a task's pick-and-place plan (the task
// YAML's `expert:` steps) through the delta-EEF action space: hover above the object, turn
// the gripper to a box-shaped object's faces, descend, close, lift, check the grasp (and retry
// from the hover when it failed or the object dropped), carry above the target, lower, open,
// retreat. Steps with another `skill` open or close a drawer or press a button (see
// envs/expert_skills/skill.h). On a bimanual embodiment each arm runs the steps assigned to it
// (`arm:`), both arms at once.
#pragma once

#include <string>
#include <vector>

#include "envs/env.h"

namespace fb::envs {

struct ExpertOptions {
  double hover = 0.08;            // m above an object's or target's top while travelling
  double speed = 0.5;             // fraction of max_translation per step while travelling
  double fine_speed = 0.25;       // ... while descending and lowering
  double tolerance = 0.006;       // m, a waypoint is reached within this distance
  double release_height = 0.012;  // m between the carried object's bottom and the target's top
  int close_steps = 8;            // control steps to close the gripper
  int open_steps = 6;             // control steps to open it
  int phase_timeout = 60;         // control steps before a waypoint (or a wrist turn) counts as reached anyway
  // Share of the remaining yaw error commanded per step: the wrist turns along a smooth
  // exponential, as a teleoperator's would. Commanding the whole error at once made every turn
  // a one-step impulse, which a learned tokenizer reconstructs as zero (docs/fastervq.md,
  // "Impulses"), so the expert replanning through it never turned and never descended.
  double yaw_gain = 0.3;
  int max_retries = 3;            // grasp attempts per plan step after the first
};

// Per-episode memory of one arm of the expert.
struct ArmExpertState {
  int plan_step = 0;
  int phase = 0;
  int phase_steps = 0;
  int retries = 0;
  double grasp_offset = 0;      // eef z minus the object's bottom z while held
  double initial_bottom = 0;    // object's bottom z when the plan step started
  double closing_axis[3] = {};  // finger closing direction in the eef site frame
  double tip_offset = 0;        // lowest fingertip z minus eef z, gripper pointing down
  double skill_goal[3] = {};    // articulated-object skills: the waypoint of the current phase
  bool skill_reached = false;   // ... whether the current attempt reached its goal
};

// Per-episode memory of the expert.
struct ExpertState {
  std::vector<ArmExpertState> arms;  // (arms)
};

// Immutable; share one per EnvSpec.
class ScriptedExpert final {
 public:
  // Throws fb::InputError when the task has no expert plan, a step names an arm the
  // embodiment lacks, or spec's action space is not delta-EEF.
  explicit ScriptedExpert(const EnvSpec& spec, ExpertOptions options = {});

  // Prepares `expert` for the episode just reset in `episode`.
  void Reset(const EnvSpec& spec, const EpisodeState& episode, ExpertState& expert) const;

  // The next action (spec.action_dim() values) for the current state of `episode`.
  std::vector<double> Act(const EnvSpec& spec, const EpisodeState& episode, ExpertState& expert) const;

  // Whether every arm has finished its steps (an arm then holds still with the gripper open).
  bool Finished(const EnvSpec& spec, const ExpertState& expert) const;

 private:
  void ActArm(const EnvSpec& spec, const EpisodeState& episode, int arm, ArmExpertState& expert,
              double* action) const;
  bool ArmFinished(int arm, const ArmExpertState& expert) const;
  const ExpertStepConfig& Step(const EnvSpec& spec, int arm, int plan_step) const;
  // Moves `expert` on to its next plan step.
  void NextStep(const EnvSpec& spec, const mjData* d, int arm, ArmExpertState& expert) const;
  // ActArm for a step whose skill is not pick_place.
  void ActSkill(const EnvSpec& spec, const EpisodeState& episode, int arm, ArmExpertState& expert,
                double* action) const;

  ExpertOptions k_options_;
  std::vector<std::vector<int>> k_plans_;  // (arms) indices into task().expert, in order
  std::vector<bool> k_align_;              // (objects) box-shaped: turn the gripper to its faces
};

// Resets `state` to `id` and steps the expert until the episode is done; returns the last
// step's result. Throws like Reset.
StepResult RunExpertEpisode(const EnvSpec& spec, const ScriptedExpert& expert, const EpisodeId& id,
                            EpisodeState& state);

}  // namespace fb::envs
