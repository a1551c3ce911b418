//! The generator's integration tests: the bundled sample and large trails.

mod synth_sample;
mod synth_trail;
