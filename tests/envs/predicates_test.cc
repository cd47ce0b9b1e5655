#include "envs/predicates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/model_loader.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

// A table, a 4 cm block `a`, a flat 12 cm plate `b`, a box container `c`, and a 4x4x6 cm
// block `d` lying on its side (its local y axis vertical).
constexpr char kScene[] = R"(
<mujoco>
  <option timestep="0.002"/>
  <worldbody>
    <geom name="table" type="box" size="1 1 0.05" pos="0 0 -0.05"/>
    <body name="a" pos="0 0 0.02"><freejoint/><geom type="box" size="0.02 0.02 0.02" mass="0.05"/></body>
    <body name="b" pos="0.3 0 0.005"><freejoint/><geom type="box" size="0.06 0.06 0.005" mass="0.1"/></body>
    <body name="c" pos="-0.3 0 0">
      <freejoint/>
      <geom type="box" pos="0 0 0.004" size="0.06 0.06 0.004" mass="0.05"/>
      <geom type="box" pos="0.056 0 0.024" size="0.004 0.06 0.02" mass="0.02"/>
      <geom type="box" pos="-0.056 0 0.024" size="0.004 0.06 0.02" mass="0.02"/>
      <geom type="box" pos="0 0.056 0.024" size="0.052 0.004 0.02" mass="0.02"/>
      <geom type="box" pos="0 -0.056 0.024" size="0.052 0.004 0.02" mass="0.02"/>
    </body>
    <body name="d" pos="0 0.4 0.03" quat="0.7071068 0.7071068 0 0">
      <freejoint/><geom type="box" size="0.02 0.03 0.02" mass="0.05"/>
    </body>
  </worldbody>
</mujoco>)";

class PredicateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = LoadModelFromString(kScene, "predicate scene");
    data_ = MakeData(model_.get());
    mj_forward(model_.get(), data_.get());
  }
  // Puts body `a` at (x, y, z) with velocity (vx, 0, vz), then runs `steps` physics steps.
  void PlaceA(double x, double y, double z, double vx = 0, double vz = 0) {
    data_->qpos[0] = x, data_->qpos[1] = y, data_->qpos[2] = z;
    data_->qvel[0] = vx, data_->qvel[2] = vz;
    mj_forward(model_.get(), data_.get());
  }
  void Settle(int steps) {
    for (int i = 0; i < steps; ++i) mj_step(model_.get(), data_.get());
  }
  bool Eval(const std::string& yaml, int settle = 300) {
    const Predicate p = Predicate::ParseText(yaml, model_.get(), regions_);
    PredicateState state;
    p.ResetState(data_.get(), state);
    Settle(settle);
    return p.Evaluate(model_.get(), data_.get(), state);
  }
  ModelPtr model_;
  DataPtr data_;
  std::vector<RegionConfig> regions_ = {RegionConfig{"left", {-0.5, -0.1}, {-0.2, 0.2}}};
};

TEST_F(PredicateTest, OnRequiresSupport) {
  EXPECT_FALSE(Eval("on: [a, b]"));  // a rests on the table
  PlaceA(0.3, 0.0, 0.031);           // on top of the plate
  EXPECT_TRUE(Eval("on: [a, b]"));
  EXPECT_FALSE(Eval("on: [b, a]"));
}

TEST_F(PredicateTest, OnCountsASupportLyingOnItsSide) {
  PlaceA(0.0, 0.4, 0.081);  // on top of d, whose top face spans its local x and z axes
  EXPECT_TRUE(Eval("on: [a, d]"));
}

TEST_F(PredicateTest, OnRejectsHoveringObject) {
  // Held 5 cm above the plate (gravity off for this check): over it but not supported.
  model_->opt.gravity[2] = 0;
  PlaceA(0.3, 0.0, 0.08);
  EXPECT_FALSE(Eval("on: [a, b]", 1));
}

// A flicked block sliding fast across the plate never counts, although it passes over it
// at the plate's height.
TEST_F(PredicateTest, FlickThroughDoesNotCount) {
  PlaceA(0.2, 0.0, 0.031, /*vx=*/2.0);
  const Predicate p = Predicate::ParseText("on: [a, b]", model_.get());
  PredicateState state;
  p.ResetState(data_.get(), state);
  bool over_plate = false, ever = false;
  for (int i = 0; i < 150; ++i) {
    mj_step(model_.get(), data_.get());
    over_plate = over_plate || std::abs(data_->xpos[3 * 1] - 0.3) < 0.03;
    ever = ever || p.Evaluate(model_.get(), data_.get(), state);
  }
  EXPECT_TRUE(over_plate);
  EXPECT_FALSE(ever);
}

TEST_F(PredicateTest, InContainer) {
  EXPECT_FALSE(Eval("in: [a, c]"));
  PlaceA(-0.3, 0.0, 0.03);
  EXPECT_TRUE(Eval("in: [a, c]"));
}

TEST_F(PredicateTest, LiftedNearUprightRegion) {
  const Predicate lifted = Predicate::ParseText("lifted: [a, 0.05]", model_.get());
  PredicateState state;
  lifted.ResetState(data_.get(), state);
  EXPECT_FALSE(lifted.Evaluate(model_.get(), data_.get(), state));
  model_->opt.gravity[2] = 0;
  PlaceA(0.0, 0.0, 0.1);
  EXPECT_TRUE(lifted.Evaluate(model_.get(), data_.get(), state));
  model_->opt.gravity[2] = -9.81;

  PlaceA(0.0, 0.0, 0.02);
  EXPECT_TRUE(Eval("near: [a, b, 0.35]", 1));
  EXPECT_FALSE(Eval("near: [a, b, 0.25]", 1));
  EXPECT_TRUE(Eval("upright: a"));
  data_->qpos[3] = std::cos(0.4), data_->qpos[4] = std::sin(0.4);  // tilt 46 degrees about x
  mj_forward(model_.get(), data_.get());
  EXPECT_FALSE(Eval("upright: [a]", 0));
  PlaceA(-0.3, 0.15, 0.02);
  data_->qpos[3] = 1, data_->qpos[4] = 0;
  EXPECT_TRUE(Eval("inside_region: [a, left]"));
  EXPECT_TRUE(Eval("any: [{on: [a, b]}, {inside_region: [a, left]}]"));
  EXPECT_FALSE(Eval("all: [{on: [a, b]}, {inside_region: [a, left]}]"));
}

// sequence: the first child must have held before the last one counts.
TEST_F(PredicateTest, SequenceOrder) {
  const Predicate seq = Predicate::ParseText("sequence: [{inside_region: [a, left]}, {on: [a, b]}]", model_.get(),
                                             regions_);
  PredicateState state;
  PlaceA(0.3, 0.0, 0.031);  // on b from the start, never in `left` first
  seq.ResetState(data_.get(), state);
  Settle(200);
  EXPECT_FALSE(seq.Evaluate(model_.get(), data_.get(), state));
  PlaceA(-0.3, 0.15, 0.02);  // in `left`: the first stage is done, the last not yet true
  Settle(200);
  EXPECT_FALSE(seq.Evaluate(model_.get(), data_.get(), state));
  PlaceA(0.3, 0.0, 0.031);  // then on b
  Settle(200);
  EXPECT_TRUE(seq.Evaluate(model_.get(), data_.get(), state));
  EXPECT_EQ(seq.ToString(), "sequence(inside_region(a, left), on(a, b))");
}

TEST_F(PredicateTest, ParseErrorsNameTheProblem) {
  EXPECT_THAT([&] { Predicate::ParseText("onn: [a, b]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("unknown predicate 'onn' (did you mean 'on'?)")));
  EXPECT_THAT([&] { Predicate::ParseText("on: [a, zz]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("no object (body) named 'zz'")));
  EXPECT_THAT([&] { Predicate::ParseText("near: [a, b]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("expects [object, object, distance]")));
  EXPECT_THAT([&] { Predicate::ParseText("inside_region: [a, nowhere]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("no region named 'nowhere'")));
}

// A drawer `d` (slide joint d_slide, 0..0.1 m) and a button `k` (k_press, 0..0.012 m).
constexpr char kArticulatedScene[] = R"(
<mujoco>
  <worldbody>
    <body name="d" pos="0 0 0.05">
      <freejoint/>
      <geom type="box" size="0.08 0.08 0.05" mass="5"/>
      <body name="d_drawer"><joint name="d_slide" type="slide" axis="-1 0 0" limited="true" range="0 0.1"/>
        <geom type="box" size="0.07 0.07 0.02" mass="0.2"/></body>
    </body>
    <body name="k" pos="0.3 0 0.01">
      <freejoint/>
      <geom type="box" size="0.03 0.03 0.01" mass="1"/>
      <body name="k_cap" pos="0 0 0.02"><joint name="k_press" type="slide" axis="0 0 -1" limited="true"
        range="0 0.012"/><geom type="box" size="0.02 0.02 0.008" mass="0.01"/></body>
    </body>
    <body name="r" pos="0.6 0 0.02"><freejoint/><geom type="box" size="0.02 0.02 0.02" mass="0.05"/></body>
  </worldbody>
</mujoco>)";

// Joint values are set by hand (no gravity or contacts matter): the predicates read them.
class ArticulatedPredicateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = LoadModelFromString(kArticulatedScene, "articulated scene");
    data_ = MakeData(model_.get());
  }
  void SetJoint(const char* name, double value) {
    data_->qpos[model_->jnt_qposadr[mj_name2id(model_.get(), mjOBJ_JOINT, name)]] = value;
    mj_forward(model_.get(), data_.get());
  }
  bool Eval(const Predicate& p, PredicateState& state) { return p.Evaluate(model_.get(), data_.get(), state); }
  ModelPtr model_;
  DataPtr data_;
};

TEST_F(ArticulatedPredicateTest, OpenAndClosedReadTheSlideFraction) {
  const Predicate open = Predicate::ParseText("open: [d, 0.7]", model_.get());
  const Predicate closed = Predicate::ParseText("closed: d", model_.get());
  PredicateState state;
  open.ResetState(data_.get(), state);
  closed.ResetState(data_.get(), state);
  SetJoint("d_slide", 0.0);
  EXPECT_FALSE(Eval(open, state));
  EXPECT_TRUE(Eval(closed, state));
  SetJoint("d_slide", 0.05);  // half open: neither
  EXPECT_FALSE(Eval(open, state));
  EXPECT_FALSE(Eval(closed, state));
  SetJoint("d_slide", 0.071);
  EXPECT_TRUE(Eval(open, state));
  EXPECT_FALSE(Eval(closed, state));
  SetJoint("d_slide", 0.009);  // within 10% of shut
  EXPECT_TRUE(Eval(closed, state));
  EXPECT_EQ(open.ToString(), "open(d, 0.7)");
  EXPECT_EQ(closed.ToString(), "closed(d)");
}

// A button springs back: `pressed` stays true once it was pushed past 60% of its travel, and
// a sequence can require the press before another goal.
TEST_F(ArticulatedPredicateTest, PressedIsRememberedUntilReset) {
  const Predicate pressed = Predicate::ParseText("pressed: [k]", model_.get());
  PredicateState state;
  pressed.ResetState(data_.get(), state);
  SetJoint("k_press", 0.006);  // half way: not pressed
  EXPECT_FALSE(Eval(pressed, state));
  SetJoint("k_press", 0.008);
  EXPECT_TRUE(Eval(pressed, state));
  SetJoint("k_press", 0.0);  // released
  EXPECT_TRUE(Eval(pressed, state));
  pressed.ResetState(data_.get(), state);
  EXPECT_FALSE(Eval(pressed, state));

  const Predicate seq = Predicate::ParseText("sequence: [{pressed: k}, {open: [d, 0.5]}]", model_.get());
  seq.ResetState(data_.get(), state);
  SetJoint("d_slide", 0.08);  // open before the press: does not count
  EXPECT_FALSE(Eval(seq, state));
  SetJoint("k_press", 0.01);
  EXPECT_FALSE(Eval(seq, state));  // the press is this step's stage; the next counts from the next step
  SetJoint("k_press", 0.0);
  EXPECT_TRUE(Eval(seq, state));
}

TEST_F(ArticulatedPredicateTest, ErrorsNameTheMissingJoint) {
  EXPECT_THAT([&] { Predicate::ParseText("open: [r, 0.5]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("object 'r' is not a drawer: it has no limited slide "
                                                             "joint 'r_slide'")));
  EXPECT_THAT([&] { Predicate::ParseText("pressed: [d]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("object 'd' is not a button")));
  EXPECT_THAT([&] { Predicate::ParseText("open: [d]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("expects [drawer, fraction] (2 values)")));
  EXPECT_THAT([&] { Predicate::ParseText("open: [d, 1.5]", model_.get()); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("the open fraction must be in (0, 1]")));
}

}  // namespace
}  // namespace fb::envs
