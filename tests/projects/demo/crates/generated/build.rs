use std::{env, fs, path::Path};

fn main() {
    let squares: Vec<String> = (0..64u64).map(|i| (i * i).to_string()).collect();
    let code = format!("pub const SQUARES: [u64; 64] = [{}];\n", squares.join(", "));
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("squares.rs"), code).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
