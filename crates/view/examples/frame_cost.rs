//! What keeping a live run's drawing up to date costs per frame, the way
//! the page did it before (a whole copy of the trace and its model made
//! again) and the way it does now (the copy caught up and the model fed
//! what is new), over a run of 10,000 tasks through a semaphore of 100
//! cut into `frames` growing stretches; then the same for a replay
//! playing that run forward.
//!
//! ```sh
//! cargo run --profile native -p asyncscope-view --example frame_cost [frames] [repetitions]
//! ```

#[path = "../../core/examples/scenarios/mod.rs"]
mod scenarios;

use std::rc::Rc;
use std::time::Instant;

use asyncscope_core::{Trace, Traced, VirtualRuntime};
use asyncscope_view::{ModelFold, run_model};
use scenarios::through_semaphore;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let frames = args.next().flatten().unwrap_or(60).max(1);
    let reps = args.next().flatten().unwrap_or(5).max(1);
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    rt.block_on(through_semaphore(env.clone(), 10_000, 100)).expect("runs");
    let whole = env.snapshot();
    let len = whole.events().len();
    // The live trace as each frame saw it.
    let seen: Vec<Trace> = (1..=frames).map(|f| whole.prefix(len * f / frames)).collect();
    println!("{len} events, {frames} frames, {reps} repetitions (ms per frame: min / median)");
    let mut before = Vec::new();
    let mut after = Vec::new();
    for _ in 0..reps {
        // Before: each frame copies the trace and makes its model again.
        let start = Instant::now();
        let mut drawn = Vec::new();
        for t in &seen {
            let copy = Rc::new(t.clone());
            let model = Rc::new(run_model(&copy));
            drawn.push((copy, model));
            if drawn.len() > 1 {
                drawn.remove(0);
            }
        }
        before.push(start.elapsed().as_secs_f64() * 1e3 / frames as f64);
        // Now: two copies and two models kept up to date in turn, one
        // drawn while the other is fed.
        let start = Instant::now();
        let mut copies: [Rc<Trace>; 2] = Default::default();
        let mut folds: [ModelFold; 2] = Default::default();
        let mut drawn = Vec::new();
        for (f, t) in seen.iter().enumerate() {
            let copy = &mut copies[f % 2];
            Rc::get_mut(copy).expect("not drawn").catch_up(t);
            let fold = &mut folds[f % 2];
            fold.feed(copy);
            drawn = vec![(Rc::clone(copy), Rc::clone(fold.model()))];
        }
        drop(drawn);
        after.push(start.elapsed().as_secs_f64() * 1e3 / frames as f64);
    }
    // A replay playing forward: the whole run cut at a playhead that
    // moves on each frame, the way the page did it before (a new cut and
    // its model made again) and now (a cut caught up, its model fed).
    let cuts: Vec<usize> = (1..=frames).map(|f| len * f / frames).collect();
    let mut replay_before = Vec::new();
    let mut replay_after = Vec::new();
    for _ in 0..reps {
        let start = Instant::now();
        for &n in &cuts {
            let cut = Rc::new(whole.prefix(n));
            std::hint::black_box(run_model(&cut));
        }
        replay_before.push(start.elapsed().as_secs_f64() * 1e3 / frames as f64);
        let start = Instant::now();
        let mut pair: [Rc<Trace>; 2] = Default::default();
        let mut folds: [ModelFold; 2] = Default::default();
        for (f, &n) in cuts.iter().enumerate() {
            Rc::get_mut(&mut pair[f % 2]).expect("not drawn").catch_up_to(&whole, n);
            folds[f % 2].feed(&pair[f % 2]);
            std::hint::black_box(folds[f % 2].model());
        }
        replay_after.push(start.elapsed().as_secs_f64() * 1e3 / frames as f64);
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let (b, a) = (stats(&mut before), stats(&mut after));
    println!("copy + model made again: {:.3} / {:.3}", b.0, b.1);
    println!("caught up + fed:         {:.3} / {:.3}", a.0, a.1);
    println!("live, ratio (median): {:.1}x less", b.1 / a.1);
    let (b, a) = (stats(&mut replay_before), stats(&mut replay_after));
    println!("replay, cut + model made again: {:.3} / {:.3}", b.0, b.1);
    println!("replay, caught up + fed:        {:.3} / {:.3}", a.0, a.1);
    println!("replay, ratio (median): {:.1}x less", b.1 / a.1);
}
