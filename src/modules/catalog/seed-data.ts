// Demo catalog: realistic products across apparel, home and accessories. Prices are EUR cents (some also USD).
import type { Rgb } from "./png.ts";

export interface SeedProduct {
  title: string;
  handle: string;
  sku: string;
  vendor: string;
  type: string;
  category: string; // category handle
  tags: string[];
  description: string;
  options: { name: string; values: string[] }[];
  price: number;
  cost: number;
  compareAt?: number;
  usd?: number;
  grams: number;
  color: Rgb;
  tax?: "standard" | "reduced" | "zero";
  status?: "draft" | "active" | "archived";
}

export const SEED_CATEGORIES: { handle: string; name: string; parent?: string }[] = [
  { handle: "apparel", name: "Apparel" },
  { handle: "t-shirts", name: "T-shirts", parent: "apparel" },
  { handle: "knitwear", name: "Knitwear", parent: "apparel" },
  { handle: "outerwear", name: "Outerwear", parent: "apparel" },
  { handle: "home", name: "Home" },
  { handle: "kitchen", name: "Kitchen", parent: "home" },
  { handle: "decor", name: "Decor", parent: "home" },
  { handle: "accessories", name: "Accessories" },
  { handle: "bags", name: "Bags", parent: "accessories" },
  { handle: "jewelry", name: "Jewelry", parent: "accessories" },
];

const SIZES = { name: "Size", values: ["S", "M", "L", "XL"] };
const color = (...values: string[]) => ({ name: "Color", values });

export const SEED_PRODUCTS: SeedProduct[] = [
  { title: "Classic Organic Tee", handle: "classic-organic-tee", sku: "TEE-CLS", vendor: "Trafi Basics", type: "T-shirt", category: "t-shirts", tags: ["organic cotton", "bestseller", "summer"], description: "<p>Our everyday tee in <strong>180 g organic cotton</strong>. Pre-shrunk, relaxed fit.</p>", options: [SIZES, color("White", "Black", "Navy")], price: 2500, cost: 850, usd: 2900, grams: 180, color: [236, 236, 230] },
  { title: "Striped Breton Tee", handle: "striped-breton-tee", sku: "TEE-BRT", vendor: "Maison Marine", type: "T-shirt", category: "t-shirts", tags: ["cotton", "stripes", "summer"], description: "<p>The sailor classic: long sleeves, boat neck, navy stripes.</p>", options: [SIZES], price: 4500, cost: 1600, compareAt: 5500, usd: 4900, grams: 240, color: [40, 60, 120] },
  { title: "Heavyweight Pocket Tee", handle: "heavyweight-pocket-tee", sku: "TEE-HVY", vendor: "Trafi Basics", type: "T-shirt", category: "t-shirts", tags: ["cotton", "workwear"], description: "<p>A boxy 240 g tee with a chest pocket. Built to last.</p>", options: [SIZES, color("Oatmeal", "Forest")], price: 3200, cost: 1100, grams: 260, color: [200, 190, 160] },
  { title: "Merino Crew Sweater", handle: "merino-crew-sweater", sku: "SWT-MER", vendor: "Highland Wool Co.", type: "Sweater", category: "knitwear", tags: ["merino", "wool", "winter"], description: "<p>Extra-fine merino, fully fashioned. Warm without the bulk.</p>", options: [SIZES, color("Charcoal", "Camel")], price: 8900, cost: 3400, usd: 9900, grams: 320, color: [80, 80, 85] },
  { title: "Chunky Cable Cardigan", handle: "chunky-cable-cardigan", sku: "CRD-CBL", vendor: "Highland Wool Co.", type: "Cardigan", category: "knitwear", tags: ["wool", "winter", "handmade"], description: "<p>Hand-finished cable knit with horn buttons.</p>", options: [SIZES], price: 12900, cost: 5200, compareAt: 14900, grams: 700, color: [225, 215, 195] },
  { title: "Fleece Quarter-Zip", handle: "fleece-quarter-zip", sku: "FLC-QZP", vendor: "Northbound", type: "Fleece", category: "knitwear", tags: ["recycled", "outdoor"], description: "<p>Recycled polyester fleece for cool mornings.</p>", options: [SIZES], price: 5900, cost: 2100, grams: 380, color: [60, 110, 90] },
  { title: "Waxed Cotton Jacket", handle: "waxed-cotton-jacket", sku: "JKT-WAX", vendor: "Northbound", type: "Jacket", category: "outerwear", tags: ["waxed cotton", "outdoor", "autumn"], description: "<p>Water-resistant waxed cotton, corduroy collar, tartan lining.</p>", options: [SIZES], price: 19900, cost: 8200, usd: 21900, grams: 1400, color: [70, 80, 50] },
  { title: "Packable Rain Shell", handle: "packable-rain-shell", sku: "JKT-RNS", vendor: "Northbound", type: "Jacket", category: "outerwear", tags: ["waterproof", "outdoor", "travel"], description: "<p>Packs into its own pocket. 10,000 mm waterproof rating.</p>", options: [SIZES, color("Yellow", "Black")], price: 9900, cost: 3900, grams: 290, color: [230, 190, 40] },
  { title: "Wool Overcoat", handle: "wool-overcoat", sku: "CT-WOL", vendor: "Atelier Nord", type: "Coat", category: "outerwear", tags: ["wool", "winter", "tailored"], description: "<p>Single-breasted overcoat in Italian wool.</p>", options: [SIZES], price: 34900, cost: 14500, grams: 1800, color: [50, 50, 60], status: "draft" },
  { title: "Stoneware Mug", handle: "stoneware-mug", sku: "MUG-STN", vendor: "Kiln & Co.", type: "Mug", category: "kitchen", tags: ["ceramic", "handmade", "gift"], description: "<p>Wheel-thrown stoneware, 350 ml, dishwasher safe.</p>", options: [color("Speckled", "Sage", "Ink")], price: 2200, cost: 700, usd: 2400, grams: 420, color: [190, 200, 180] },
  { title: "Cast Iron Skillet 26 cm", handle: "cast-iron-skillet-26", sku: "KIT-SKL26", vendor: "Forge Kitchen", type: "Cookware", category: "kitchen", tags: ["cast iron", "cookware"], description: "<p>Pre-seasoned cast iron that works on every hob, induction included.</p>", options: [], price: 4900, cost: 1900, grams: 2600, color: [45, 45, 45] },
  { title: "Linen Tea Towel Set", handle: "linen-tea-towel-set", sku: "KIT-TWL", vendor: "Flax House", type: "Textiles", category: "kitchen", tags: ["linen", "gift", "set of 2"], description: "<p>Two stonewashed linen tea towels.</p>", options: [color("Natural", "Terracotta")], price: 2400, cost: 800, grams: 200, color: [205, 120, 90] },
  { title: "Olive Wood Cutting Board", handle: "olive-wood-cutting-board", sku: "KIT-OLV", vendor: "Forge Kitchen", type: "Board", category: "kitchen", tags: ["wood", "gift", "handmade"], description: "<p>Each board is unique: solid olive wood from Puglia.</p>", options: [{ name: "Size", values: ["Small", "Large"] }], price: 3900, cost: 1400, compareAt: 4500, grams: 900, color: [170, 130, 80] },
  { title: "Hand-poured Soy Candle", handle: "hand-poured-soy-candle", sku: "DEC-CND", vendor: "Lumen Atelier", type: "Candle", category: "decor", tags: ["soy wax", "gift", "bestseller"], description: "<p>40-hour burn time, cotton wick, amber glass.</p>", options: [{ name: "Scent", values: ["Fig", "Cedar", "Amber"] }], price: 2800, cost: 750, usd: 3200, grams: 350, color: [220, 170, 110] },
  { title: "Linen Cushion Cover", handle: "linen-cushion-cover", sku: "DEC-CSH", vendor: "Flax House", type: "Cushion", category: "decor", tags: ["linen", "living room"], description: "<p>50 × 50 cm, hidden zip, insert not included.</p>", options: [color("Sand", "Olive", "Rust")], price: 3500, cost: 1100, grams: 250, color: [200, 185, 150] },
  { title: "Ceramic Bud Vase", handle: "ceramic-bud-vase", sku: "DEC-VAS", vendor: "Kiln & Co.", type: "Vase", category: "decor", tags: ["ceramic", "gift"], description: "<p>A small matte vase for a single stem.</p>", options: [color("Chalk", "Clay")], price: 1900, cost: 600, grams: 300, color: [235, 225, 210] },
  { title: "Wool Throw Blanket", handle: "wool-throw-blanket", sku: "DEC-THR", vendor: "Highland Wool Co.", type: "Blanket", category: "decor", tags: ["wool", "winter", "gift"], description: "<p>130 × 180 cm lambswool throw, woven in Scotland.</p>", options: [color("Heather", "Mustard")], price: 11900, cost: 4800, compareAt: 13900, usd: 12900, grams: 1100, color: [150, 120, 150] },
  { title: "Canvas Tote Bag", handle: "canvas-tote-bag", sku: "BAG-TOT", vendor: "Trafi Basics", type: "Bag", category: "bags", tags: ["canvas", "summer", "bestseller"], description: "<p>Heavy 16 oz canvas with leather handles.</p>", options: [color("Natural", "Black")], price: 2900, cost: 900, usd: 3200, grams: 450, color: [230, 220, 195] },
  { title: "Leather Weekender", handle: "leather-weekender", sku: "BAG-WKD", vendor: "Atelier Nord", type: "Bag", category: "bags", tags: ["leather", "travel"], description: "<p>Full-grain vegetable-tanned leather, 45 L.</p>", options: [], price: 32900, cost: 13800, grams: 2300, color: [120, 70, 40] },
  { title: "Roll-top Backpack", handle: "roll-top-backpack", sku: "BAG-RTB", vendor: "Northbound", type: "Backpack", category: "bags", tags: ["waterproof", "travel", "outdoor"], description: "<p>Welded seams, padded laptop sleeve, 20–25 L.</p>", options: [color("Black", "Olive")], price: 8900, cost: 3300, usd: 9900, grams: 900, color: [40, 45, 40] },
  { title: "Leather Card Wallet", handle: "leather-card-wallet", sku: "ACC-WAL", vendor: "Atelier Nord", type: "Wallet", category: "accessories", tags: ["leather", "gift"], description: "<p>Six cards, one pocket, no bulk.</p>", options: [color("Tan", "Black")], price: 4500, cost: 1500, grams: 60, color: [180, 120, 70] },
  { title: "Sterling Silver Hoop Earrings", handle: "sterling-silver-hoops", sku: "JWL-HOOP", vendor: "Argent Studio", type: "Earrings", category: "jewelry", tags: ["silver", "gift"], description: "<p>Solid 925 silver hoops, hypoallergenic.</p>", options: [{ name: "Size", values: ["15 mm", "25 mm"] }], price: 5900, cost: 1800, grams: 8, color: [200, 200, 210] },
  { title: "Gold-plated Chain Necklace", handle: "gold-plated-chain-necklace", sku: "JWL-CHN", vendor: "Argent Studio", type: "Necklace", category: "jewelry", tags: ["gold", "gift"], description: "<p>18k gold plating over sterling silver.</p>", options: [{ name: "Length", values: ["45 cm", "50 cm"] }], price: 7900, cost: 2600, compareAt: 8900, grams: 10, color: [212, 175, 55] },
  { title: "Printed Cookbook: Seasonal Kitchen", handle: "seasonal-kitchen-cookbook", sku: "BK-SEAS", vendor: "Forge Kitchen", type: "Book", category: "kitchen", tags: ["book", "gift"], description: "<p>120 recipes that follow the seasons. Hardcover, 280 pages.</p>", options: [], price: 3400, cost: 1300, grams: 950, color: [150, 60, 50], tax: "reduced" },
  { title: "Linen Apron (discontinued)", handle: "linen-apron", sku: "KIT-APR", vendor: "Flax House", type: "Textiles", category: "kitchen", tags: ["linen"], description: "<p>Replaced by our new workshop apron.</p>", options: [], price: 3900, cost: 1300, grams: 300, color: [160, 150, 130], status: "archived" },
];

export const SEED_COLLECTIONS = [
  { handle: "summer-essentials", title: "Summer essentials", description: "Light layers and bags for warm days.", products: ["classic-organic-tee", "striped-breton-tee", "canvas-tote-bag", "packable-rain-shell", "stoneware-mug"] },
  { handle: "gifts-under-50", title: "Gifts under €50", description: "Small things people keep.", products: ["hand-poured-soy-candle", "stoneware-mug", "leather-card-wallet", "ceramic-bud-vase", "linen-tea-towel-set", "olive-wood-cutting-board"] },
];
