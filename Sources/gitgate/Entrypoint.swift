import GitGateKit
print("gitgate")
