use greet_derive::Greet;

#[derive(Greet)]
struct World;

fn main() {
    let total: f64 = shapes::sample().iter().map(|s| s.area()).sum();
    println!("{} total area {:.2}, table of {} squares", World::greet(), total, generated::SQUARES.len());
}
