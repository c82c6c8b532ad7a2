"""The vocabulary of the demo data (data_access.demo): services with their shares and prices,
regions, billing modes' shares and prices, and the words names are made of."""
from __future__ import annotations

from data_access.query import BILL_TYPES, BILLING_MODES

# Positions in the enumerations, which the generated data indexes.
YEARLY_MONTHLY, PAY_PER_USE, RESERVED_INSTANCE, SAVINGS_PLAN = range(4)
EXPENDITURE, REFUND, ADJUSTMENT = range(3)
assert BILLING_MODES[PAY_PER_USE] == "Pay-per-use" and BILL_TYPES[REFUND] == "Refund"

# (service type, resource id prefix, share of resources, median daily fee in CNY, compute:
# whether it can be bought as a reserved instance or savings plan)
SERVICES = (
    ("Elastic Cloud Server", "ecs", 20.0, 48.0, True),
    ("Elastic Volume Service", "evs", 14.0, 6.5, False),
    ("Object Storage Service", "obs", 9.0, 11.0, False),
    ("Virtual Private Cloud", "vpc", 4.0, 1.2, False),
    ("Elastic IP", "eip", 7.0, 5.0, False),
    ("Relational Database Service", "rds", 6.0, 62.0, True),
    ("Cloud Container Engine", "cce", 4.0, 35.0, True),
    ("Distributed Cache Service", "dcs", 3.0, 22.0, True),
    ("Elastic Load Balance", "elb", 4.0, 9.0, False),
    ("Content Delivery Network", "cdn", 3.0, 28.0, False),
    ("NAT Gateway", "nat", 2.0, 14.0, False),
    ("Cloud Backup and Recovery", "cbr", 3.0, 4.5, False),
    ("Scalable File Service", "sfs", 1.5, 16.0, False),
    ("GaussDB", "gaussdb", 1.5, 120.0, True),
    ("Document Database Service", "dds", 1.0, 45.0, True),
    ("Distributed Message Service", "dms", 1.5, 18.0, False),
    ("API Gateway", "apig", 1.0, 8.0, False),
    ("FunctionGraph", "fgs", 1.0, 2.5, False),
    ("ModelArts", "modelarts", 1.5, 150.0, True),
    ("Cloud Search Service", "css", 1.0, 40.0, True),
    ("Data Warehouse Service", "dws", 0.8, 160.0, True),
    ("MapReduce Service", "mrs", 1.0, 130.0, True),
    ("Web Application Firewall", "waf", 1.2, 30.0, False),
    ("Anti-DDoS", "antiddos", 0.8, 25.0, False),
    ("Host Security Service", "hss", 1.5, 3.0, False),
    ("Cloud Eye", "ces", 1.0, 0.8, False),
    ("Log Tank Service", "lts", 1.5, 3.5, False),
    ("Image Management Service", "ims", 0.6, 0.6, False),
    ("Virtual Private Network", "vpn", 0.8, 10.0, False),
    ("Direct Connect", "dc", 0.4, 90.0, False),
    ("Bare Metal Server", "bms", 0.4, 260.0, True),
    ("Simple Message Notification", "smn", 0.5, 0.4, False),
    ("SoftWare Repository for Container", "swr", 0.5, 1.0, False),
)
# (region, share of customers' home regions)
REGIONS = (
    ("cn-north-4", 0.34), ("cn-east-3", 0.24), ("cn-south-1", 0.14), ("cn-southwest-2", 0.06),
    ("cn-north-1", 0.04), ("ap-southeast-1", 0.07), ("ap-southeast-3", 0.05),
    ("ap-southeast-2", 0.02), ("af-south-1", 0.015), ("la-south-2", 0.015),
)
# Shares of resources by billing mode, in BILLING_MODES order; reserved instances and savings
# plans exist only for compute services (the others fall back to pay-per-use).
BILLING_MODE_SHARES = (0.24, 0.60, 0.08, 0.08)
# What a billing mode costs per day relative to pay-per-use (commitments are discounted).
BILLING_MODE_PRICE = (0.80, 1.00, 0.65, 0.75)

MANAGER_NAMES = (
    "Li Na", "Wang Wei", "Zhang Min", "Liu Yang", "Chen Jing", "Yang Fan", "Zhao Lei",
    "Huang Xin", "Zhou Tao", "Wu Hui", "Xu Lin", "Sun Hao", "Ma Li", "Zhu Qing", "Hu Jun",
    "Guo Ying", "He Ping", "Lin Xiaoyu", "Emma Clarke", "James Porter", "Olivia Bennett",
    "Daniel Hughes", "Sophie Turner", "Ethan Walsh", "Grace Li", "Lucas Meyer", "Chloe Martin",
    "Noah Fischer", "Amelia Wong", "Ryan Tan",
)
COMPANY_WORDS = (
    "Blue River", "Golden Bridge", "Northwind", "Red Maple", "Silver Peak", "Jade Harbor",
    "Bright Star", "East Lake", "Green Valley", "Summit", "Pearl Delta", "Great Wall",
    "Lotus", "Phoenix", "Crane", "Evergreen", "Skyline", "Oriental", "Harmony", "Horizon",
    "Cedar", "Mosaic", "Nimbus", "Quantum", "Vertex", "Zenith", "Kunlun", "Yangtze",
    "Tianfu", "Lingnan", "Sunrise", "Coral", "Aurora", "Willow", "Granite", "Falcon",
)
COMPANY_TRADES = (
    "Technology", "Logistics", "Retail", "Games", "Biotech", "Media", "Education", "Finance",
    "Manufacturing", "Health", "Travel", "Energy", "Software", "Foods", "Fashion", "Robotics",
    "Automotive", "Analytics", "Networks", "Entertainment",
)
COMPANY_FORMS = ("Co., Ltd.", "Inc.", "Group", "Ltd.", "Holdings", "Studio")
