//! Mounts the asyncscope app. Everything else lives in the library.

fn main() {
    asyncscope_app::start();
}
