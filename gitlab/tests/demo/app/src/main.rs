fn main() { println!("{}", util::answer()); }
